{{/* Names and labels shared by every template. */}}
{{- define "stockflow.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "stockflow.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "stockflow.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "stockflow.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "stockflow.secretName" -}}
{{- .Values.secrets.existingSecret | default (include "stockflow.fullname" .) -}}
{{- end -}}

{{/* Environment of every stockflow container: ConfigMap, the database URL from the Secret, the API
keys file. $migrate: whether this container runs the migrations. */}}
{{- define "stockflow.env" -}}
{{- $root := .root -}}
envFrom:
  - configMapRef:
      name: {{ include "stockflow.fullname" $root }}
env:
  - name: STOCKFLOW_DATABASE_URL
    valueFrom:
      secretKeyRef:
        name: {{ include "stockflow.secretName" $root }}
        key: database-url
  - name: STOCKFLOW_DATABASE_MIGRATE
    value: {{ .migrate | quote }}
  - name: MICRONAUT_CONFIG_FILES
    value: /etc/stockflow/secrets/api-keys.yml
  - name: STOCKFLOW_API_HOST
    value: "0.0.0.0"
  - name: STOCKFLOW_API_PORT
    value: "8080"
{{- end -}}

{{- define "stockflow.volumeMounts" -}}
volumeMounts:
  - name: tmp
    mountPath: /tmp
  - name: secrets
    mountPath: /etc/stockflow/secrets
    readOnly: true
  {{- if .Values.database.tlsSecret }}
  - name: db-certs
    mountPath: /certs
    readOnly: true
  {{- end }}
{{- end -}}

{{- define "stockflow.volumes" -}}
volumes:
  # The root filesystem is read-only; the JVM and Netty need a writable /tmp.
  - name: tmp
    emptyDir: {}
  - name: secrets
    secret:
      secretName: {{ include "stockflow.secretName" . }}
      items:
        - key: api-keys.yml
          path: api-keys.yml
  {{- if .Values.database.tlsSecret }}
  - name: db-certs
    secret:
      secretName: {{ .Values.database.tlsSecret }}
      defaultMode: 0440
  {{- end }}
{{- end -}}
