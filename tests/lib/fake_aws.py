#!/usr/bin/python3
"""A local stand-in for the AWS endpoints the jobs call, for tests only.

HTTPS (with the test CA's certificate) serves:
  POST /  Action=AssumeRoleWithWebIdentity   STS, unsigned, XML
  POST /  Action=PutMetricData               CloudWatch, SigV4-signed
HTTP (loopback) serves:
  GET  /container-credentials                EKS Pod Identity / ECS agent
  PUT  /latest/api/token, GET /latest/meta-data/iam/security-credentials/...
                                             IMDSv2
  POST /_control   JSON: faults to inject, STS errors, credential lifetime
  GET  /_received  JSON: every PutMetricData accepted, parsed

Every CloudWatch request's SigV4 signature is recomputed with botocore
(Debian's python3-botocore), an implementation nobody here wrote, from the
secret this server knows for the access key used.  Bad or stale signatures,
unknown keys, expired credentials and missing session tokens are refused as
AWS refuses them.  Loopback only; stops on SIGTERM.
"""
import argparse
import datetime
import json
import secrets
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

LOCK = threading.Lock()
STATE = {
    'keys': {},          # access key id -> {secret, token, expires}
    'faults': [],        # next PutMetricData outcomes: throttle, 500,
                         # drop, slow, expired
    'sts_errors': [],    # next STS error codes
    'lifetime_s': 3600,  # of credentials this server issues
    'received': [],
    'requests': 0,       # PutMetricData requests seen, accepted or not
    'sts_calls': 0,
    'sts_tokens': [],    # web identity tokens presented
}
ARGS = None


def iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime(
        '%Y-%m-%dT%H:%M:%S.123Z')


def issue(prefix):
    akid = prefix + secrets.token_hex(8).upper()
    cred = {'secret': secrets.token_urlsafe(30),
            'token': 'tok-' + secrets.token_urlsafe(60),
            'expires': time.time() + STATE['lifetime_s']}
    STATE['keys'][akid] = cred
    return akid, cred


def aws_error(code, message, status=400):
    body = ('<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code>'
            '<Message>%s</Message></Error><RequestId>r-1</RequestId>'
            '</ErrorResponse>' % (code, message))
    return status, 'text/xml', body.encode()


def parse_auth(header):
    if not header.startswith('AWS4-HMAC-SHA256 '):
        return None
    parts = dict(p.strip().split('=', 1)
                 for p in header[len('AWS4-HMAC-SHA256 '):].split(','))
    akid, date, region, service, _ = parts['Credential'].split('/')
    return {'akid': akid, 'date': date, 'region': region, 'service': service,
            'signed': parts['SignedHeaders'].split(';'),
            'signature': parts['Signature']}


def verify_sigv4(handler, body):
    """None when the request is properly signed, else an error response."""
    auth = parse_auth(handler.headers.get('Authorization', ''))
    if not auth:
        return aws_error('MissingAuthenticationToken', 'no SigV4', 403)
    cred = STATE['keys'].get(auth['akid'])
    if not cred:
        return aws_error('InvalidClientTokenId', 'unknown key', 403)
    amz_date = handler.headers.get('X-Amz-Date', '')
    try:
        when = datetime.datetime.strptime(amz_date, '%Y%m%dT%H%M%SZ').replace(
            tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        return aws_error('IncompleteSignature', 'bad X-Amz-Date', 403)
    if abs(time.time() - when) > 300:
        return aws_error('SignatureDoesNotMatch', 'Signature expired', 403)
    if cred['expires'] < time.time():
        return aws_error('ExpiredToken', 'The security token included in '
                         'the request is expired', 403)
    token = handler.headers.get('X-Amz-Security-Token')
    if cred['token'] and token != cred['token']:
        return aws_error('InvalidClientTokenId', 'bad session token', 403)
    if token and 'x-amz-security-token' not in auth['signed']:
        return aws_error('IncompleteSignature', 'token not signed', 403)
    # Rebuild the request from exactly the headers the client signed.
    headers = {}
    for name in auth['signed']:
        value = handler.headers.get(name)
        if value is None:
            return aws_error('IncompleteSignature', 'missing ' + name, 403)
        headers[name] = value
    req = AWSRequest(method=handler.command,
                     url='https://%s%s' % (headers.get('host', ''),
                                           handler.path),
                     data=body, headers=headers)
    req.context['timestamp'] = amz_date
    signer = SigV4Auth(Credentials(auth['akid'], cred['secret'],
                                   cred['token'] or None),
                       auth['service'], auth['region'])
    canonical = signer.canonical_request(req)
    expected = signer.signature(signer.string_to_sign(req, canonical), req)
    if expected != auth['signature']:
        return aws_error('SignatureDoesNotMatch', 'The request signature we '
                         'calculated does not match the signature you '
                         'provided', 403)
    if auth['service'] != 'monitoring' or auth['region'] != ARGS.region:
        return aws_error('SignatureDoesNotMatch', 'wrong scope %s/%s' % (
            auth['region'], auth['service']), 403)
    return None


def put_metric_data(handler, form, body):
    with LOCK:
        STATE['requests'] += 1
        fault = STATE['faults'].pop(0) if STATE['faults'] else None
        error = verify_sigv4(handler, body)
    if error:
        return error
    if fault == 'expired':
        return aws_error('ExpiredToken', 'The security token included in '
                         'the request is expired', 403)
    if fault == 'throttle':
        return aws_error('Throttling', 'Rate exceeded', 400)
    if fault == '500':
        return aws_error('InternalFailure', 'try again', 500)
    if fault == 'drop':
        return 'drop'
    if fault == 'slow':
        time.sleep(ARGS.slow_s)
    metrics = {}
    for key, value in form.items():
        parts = key.split('.')
        if parts[0] != 'MetricData':
            continue
        m = metrics.setdefault(int(parts[2]), {'Dimensions': {}})
        if parts[3] == 'Dimensions':
            d = m['Dimensions'].setdefault(int(parts[5]), {})
            d[parts[6]] = value
        else:
            m[parts[3]] = value
    auth = parse_auth(handler.headers['Authorization'])
    record = {'Namespace': form.get('Namespace'), 'akid': auth['akid'],
              'signed': auth['signed'],
              'MetricData': [
                  {'MetricName': m['MetricName'], 'Value': m['Value'],
                   'Unit': m.get('Unit'), 'Timestamp': m.get('Timestamp'),
                   'Dimensions': {d['Name']: d['Value']
                                  for _, d in sorted(m['Dimensions'].items())}}
                  for _, m in sorted(metrics.items())]}
    with LOCK:
        STATE['received'].append(record)
    return 200, 'text/xml', (b'<PutMetricDataResponse><ResponseMetadata>'
                             b'<RequestId>r-2</RequestId></ResponseMetadata>'
                             b'</PutMetricDataResponse>')


def assume_role(form):
    with LOCK:
        STATE['sts_calls'] += 1
        STATE['sts_tokens'].append(form.get('WebIdentityToken'))
        code = STATE['sts_errors'].pop(0) if STATE['sts_errors'] else None
        if code:
            return aws_error(code, 'injected ' + code, 400)
        if form.get('WebIdentityToken') != ARGS.web_token:
            return aws_error('InvalidIdentityToken', 'token rejected', 400)
        if form.get('RoleArn') != ARGS.role_arn:
            return aws_error('AccessDenied', 'not authorized', 403)
        if not form.get('RoleSessionName'):
            return aws_error('ValidationError', 'RoleSessionName', 400)
        akid, cred = issue('ASIASTS')
    # Fields in an order the client must not rely on.
    body = ('<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>'
            '<SubjectFromWebIdentityToken>system:serviceaccount:x</SubjectFromWebIdentityToken>'
            '<Credentials><SessionToken>%s</SessionToken>'
            '<SecretAccessKey>%s</SecretAccessKey>'
            '<Expiration>%s</Expiration><AccessKeyId>%s</AccessKeyId>'
            '</Credentials></AssumeRoleWithWebIdentityResult>'
            '</AssumeRoleWithWebIdentityResponse>' % (
                cred['token'], cred['secret'], iso(cred['expires']), akid))
    return 200, 'text/xml', body.encode()


def json_credentials(prefix, extra=None):
    with LOCK:
        akid, cred = issue(prefix)
    doc = {'AccessKeyId': akid, 'SecretAccessKey': cred['secret'],
           'Token': cred['token'], 'Expiration': iso(cred['expires'])}
    doc.update(extra or {})
    return 200, 'application/json', json.dumps(doc).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        pass

    def reply(self, result):
        if result == 'drop':
            self.close_connection = True
            self.connection.close()
            return
        status, ctype, body = result
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        return self.rfile.read(int(self.headers.get('Content-Length', 0)))

    def do_POST(self):
        body = self.body()
        if self.path == '/_control':
            with LOCK:
                STATE.update(json.loads(body or b'{}'))
                if STATE.pop('expire_all', False):
                    for cred in STATE['keys'].values():
                        cred['expires'] = time.time() - 1
            return self.reply((200, 'application/json', b'{}'))
        form = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        action = form.get('Action')
        if action == 'PutMetricData':
            return self.reply(put_metric_data(self, form, body))
        if action == 'AssumeRoleWithWebIdentity':
            if self.headers.get('Authorization'):
                return self.reply(aws_error('InvalidAction', 'signed', 400))
            return self.reply(assume_role(form))
        return self.reply(aws_error('InvalidAction', str(action), 400))

    def do_GET(self):
        if self.path == '/_received':
            with LOCK:
                doc = {k: STATE[k] for k in ('received', 'requests',
                                             'sts_calls', 'sts_tokens')}
            return self.reply((200, 'application/json',
                               json.dumps(doc).encode()))
        if self.path == '/container-credentials':
            if self.headers.get('Authorization') != ARGS.container_token:
                return self.reply((401, 'application/json', b'{}'))
            return self.reply(json_credentials('ASIACTR'))
        imds = '/latest/meta-data/iam/security-credentials/'
        if self.path.startswith(imds):
            if self.headers.get('X-aws-ec2-metadata-token') != 'imds-token-1':
                return self.reply((401, 'text/plain', b''))
            if self.path == imds:
                return self.reply((200, 'text/plain', b'test-role'))
            return self.reply(json_credentials('ASIAIMDS', {
                'Code': 'Success', 'Type': 'AWS-HMAC'}))
        return self.reply((404, 'text/plain', b''))

    def do_PUT(self):
        self.body()
        if (self.path == '/latest/api/token' and
                self.headers.get('X-aws-ec2-metadata-token-ttl-seconds')):
            return self.reply((200, 'text/plain', b'imds-token-1'))
        return self.reply((404, 'text/plain', b''))


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument('--https-port', type=int, required=True)
    p.add_argument('--http-port', type=int, required=True)
    p.add_argument('--cert', required=True)
    p.add_argument('--key', required=True)
    p.add_argument('--region', default='eu-west-1')
    p.add_argument('--static', action='append', default=[],
                   help='AKID:SECRET[:TOKEN] accepted for CloudWatch')
    p.add_argument('--web-token', default='')
    p.add_argument('--role-arn', default='')
    p.add_argument('--container-token', default='')
    p.add_argument('--slow-s', type=float, default=3.0)
    ARGS = p.parse_args()
    for spec in ARGS.static:
        akid, secret, *token = spec.split(':')
        STATE['keys'][akid] = {'secret': secret,
                               'token': token[0] if token else None,
                               'expires': time.time() + 86400}
    https = ThreadingHTTPServer(('127.0.0.1', ARGS.https_port), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(ARGS.cert, ARGS.key)
    https.socket = ctx.wrap_socket(https.socket, server_side=True)
    http = ThreadingHTTPServer(('127.0.0.1', ARGS.http_port), Handler)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    https.serve_forever()


if __name__ == '__main__':
    main()
