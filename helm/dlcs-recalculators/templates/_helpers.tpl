{{/* The release's full name, at most 52 characters so CronJob names fit. */}}
{{- define "dlcs-recalculators.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Standard labels. */}}
{{- define "dlcs-recalculators.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: dlcs
{{- end -}}

{{- define "dlcs-recalculators.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "dlcs-recalculators.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the connection string. */}}
{{- define "dlcs-recalculators.dbSecretName" -}}
{{- if .Values.database.existingSecret.name -}}
{{- .Values.database.existingSecret.name -}}
{{- else -}}
{{- printf "%s-db" (include "dlcs-recalculators.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "dlcs-recalculators.dbSecretKey" -}}
{{- if .Values.database.existingSecret.name -}}
{{- .Values.database.existingSecret.key -}}
{{- else -}}
connection-string
{{- end -}}
{{- end -}}

{{/*
The jobs, as a list of dicts: key (values key), name (binary and image),
job (its values).  Both the CronJobs and helm test iterate over it.
*/}}
{{- define "dlcs-recalculators.jobs" -}}
- key: entityCounter
  name: entity-counter-recalculator
- key: customerStorage
  name: customer-storage-recalculator
{{- end -}}

{{/* The image of one job: pass (dict "root" $ "key" key "name" name). */}}
{{- define "dlcs-recalculators.image" -}}
{{- $img := .root.Values.image -}}
{{- $repo := printf "%s/%s" $img.repository .name -}}
{{- if $img.registry }}{{ $repo = printf "%s/%s" $img.registry $repo }}{{ end -}}
{{- $digest := get $img.digests .key -}}
{{- if $digest -}}
{{- printf "%s@%s" $repo $digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion $img.tag) -}}
{{- end -}}
{{- end -}}

{{/*
The pod spec shared by the CronJobs and the helm test pods:
pass (dict "root" $ "key" key "name" name "job" values "dryRun" bool).
*/}}
{{- define "dlcs-recalculators.podSpec" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
serviceAccountName: {{ include "dlcs-recalculators.serviceAccountName" $root }}
automountServiceAccountToken: {{ $v.serviceAccount.automount }}
restartPolicy: Never
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $v.podSecurityContext | nindent 2 }}
{{- with $v.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: {{ .name }}
    image: {{ include "dlcs-recalculators.image" . | quote }}
    imagePullPolicy: {{ $v.image.pullPolicy }}
    securityContext:
      {{- toYaml $v.securityContext | nindent 6 }}
    env:
      - name: CONNECTION_STRING_FILE
        value: /var/run/secrets/dlcs-db/connection-string
      - name: CONNECTION_TIMEOUT
        value: {{ $v.database.connectTimeout | quote }}
      - name: DRY_RUN
        value: {{ or .dryRun .job.dryRun | quote }}
      {{- if eq .key "entityCounter" }}
      - name: DELETE_STALE_COUNTERS
        value: {{ .job.deleteStale | default false | quote }}
      {{- end }}
      - name: ENABLE_CLOUDWATCH_INTEGRATION
        value: {{ and $v.metrics.cloudwatch (not .dryRun) | quote }}
      - name: ENABLE_EMF_METRICS
        value: {{ $v.metrics.emf | quote }}
      - name: AWS_REGION
        value: {{ $v.metrics.region | quote }}
      {{- with $v.metrics.endpointUrl }}
      - name: AWS_ENDPOINT_URL
        value: {{ . | quote }}
      {{- end }}
      - name: APP_VERSION
        value: {{ $v.metrics.appVersion | quote }}
      - name: LOG_FORMAT
        value: {{ $v.logFormat }}
      {{- range $name, $value := $v.metrics.metricNames }}
      - name: {{ $name }}
        value: {{ $value | quote }}
      {{- end }}
      {{- if or $v.database.caBundle.secretName $v.database.caBundle.configMapName }}
      - name: PGSSLROOTCERT
        value: /etc/dlcs-db-ca/{{ $v.database.caBundle.key }}
      {{- end }}
      {{- with $v.extraEnv }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
      {{- with .job.env }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    resources:
      {{- toYaml .job.resources | nindent 6 }}
    volumeMounts:
      - name: db
        mountPath: /var/run/secrets/dlcs-db
        readOnly: true
      {{- if or $v.database.caBundle.secretName $v.database.caBundle.configMapName }}
      - name: db-ca
        mountPath: /etc/dlcs-db-ca
        readOnly: true
      {{- end }}
      {{- with $v.extraVolumeMounts }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
volumes:
  - name: db
    secret:
      secretName: {{ include "dlcs-recalculators.dbSecretName" $root }}
      defaultMode: 0440
      items:
        - key: {{ include "dlcs-recalculators.dbSecretKey" $root }}
          path: connection-string
  {{- if $v.database.caBundle.secretName }}
  - name: db-ca
    secret:
      secretName: {{ $v.database.caBundle.secretName }}
      defaultMode: 0444
  {{- else if $v.database.caBundle.configMapName }}
  - name: db-ca
    configMap:
      name: {{ $v.database.caBundle.configMapName }}
      defaultMode: 0444
  {{- end }}
  {{- with $v.extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}
