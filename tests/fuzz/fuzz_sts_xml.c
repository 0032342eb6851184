/* libFuzzer target: the STS response parser (untrusted network input). */
#include "../../pkg/util/util.h"

#include "../../pkg/aws/aws.h"
#include "../../pkg/log/log.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct aws_credentials c;
    char *code, *message;

    if (!aws_parse_sts_credentials((const char *)data, size, &c))
        aws_credentials_release(&c);
    aws_xml_error((const char *)data, size, &code, &message);
    free(code);
    free(message);
    log_teardown();
    return 0;
}
