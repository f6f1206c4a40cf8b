{{/*
The service's non-secret settings (the environment-variable contract every catalog process
reads), as a YAML map. One source for the ConfigMap (long-running pods) and for the inline
env of hook Jobs, which run before the ConfigMap exists.
Takes (dict "root" . "sidecar" <bool>): whether the pod has the OpenTelemetry collector beside it.
*/}}
{{- define "catalog-lib.configData" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $name := include "catalog-lib.name" $root }}
{{- $identity := include "catalog-lib.peerFullname" (dict "root" $root "chart" "identity") }}
{{- $jwksUrl := $v.auth.jwksUrl | default (include "catalog-lib.global" (list $root "auth" "jwksUrl")) | default (printf "http://%s/api/v1/auth/jwks" $identity) }}
{{- $zipkin := include "catalog-lib.global" (list $root "otel" "zipkinEndpoint") | default "http://zipkin:9411/api/v2/spans" }}
SERVICE_NAME: {{ $name | quote }}
ENVIRONMENT: {{ $v.environment | default (include "catalog-lib.global" (list $root "environment")) | default "production" | quote }}
LOG_LEVEL: {{ $v.logLevel | quote }}
PORT: {{ $v.containerPort | quote }}
UVICORN_PORT: {{ $v.containerPort | quote }}
JWKS_URL: {{ $jwksUrl | quote }}
JWT_ISSUER: {{ $v.auth.issuer | default (include "catalog-lib.global" (list $root "auth" "issuer")) | default "catalog-identity" | quote }}
JWT_AUDIENCE: {{ $v.auth.audience | default (include "catalog-lib.global" (list $root "auth" "audience")) | default "catalog-api" | quote }}
OTEL_SERVICE_NAME: {{ $name | quote }}
{{- if include "catalog-lib.processEngineEnabled" $root }}
CAMUNDA_URL: {{ include "catalog-lib.processEngineUrl" $root | quote }}
{{- end }}
{{- if not $v.tracing.enabled }}
OTEL_SDK_DISABLED: "true"
OTEL_TRACES_EXPORTER: "none"
{{- else }}
OTEL_TRACES_SAMPLER: {{ $v.tracing.sampler | default (include "catalog-lib.global" (list $root "otel" "tracesSampler")) | default "parentbased_traceidratio" | quote }}
OTEL_TRACES_SAMPLER_ARG: {{ $v.tracing.samplerArg | default (include "catalog-lib.global" (list $root "otel" "tracesSamplerArg")) | default "0.1" | quote }}
{{- if .sidecar }}
OTEL_TRACES_EXPORTER: "otlp"
OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf"
OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318"
{{- else }}
OTEL_TRACES_EXPORTER: "zipkin"
OTEL_EXPORTER_ZIPKIN_ENDPOINT: {{ $zipkin | quote }}
{{- end }}
{{- end }}
{{- range $key, $value := $v.env }}
{{ $key }}: {{ tpl (toString $value) $root | quote }}
{{- end }}
{{- end }}

{{/*
Environment variables read from Secrets that exist outside the chart (created by an
operator, External Secrets or an administrator); the chart only references them.
DATABASE_URL unless the service keeps no Postgres database (`database.enabled: false`).
*/}}
{{- define "catalog-lib.secretEnv" -}}
{{- include "catalog-lib.secretEnvEntries" . | trim }}
{{- end }}

{{- define "catalog-lib.secretEnvEntries" -}}
{{- if include "catalog-lib.databaseEnabled" . }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "catalog-lib.databaseSecretName" . }}
      key: {{ .Values.database.secretKey }}
{{- end }}
{{- if .Values.rabbitmq.enabled }}
- name: RABBITMQ_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "catalog-lib.rabbitmqSecretName" . }}
      key: {{ .Values.rabbitmq.secretKey }}
{{- end }}
{{- end }}

{{/*
The service's engine user (CAMUNDA_USERNAME, CAMUNDA_PASSWORD), read from a Secret that exists
outside the chart, for the long-running processes only (the API and the workers; hook Jobs
never call the engine). Nothing unless `processEngine.enabled`; CAMUNDA_URL is in configData.
*/}}
{{- define "catalog-lib.processEngineEnv" -}}
{{- if include "catalog-lib.processEngineEnabled" . }}
{{- $secret := include "catalog-lib.processEngineSecretName" . }}
- name: CAMUNDA_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ .Values.processEngine.usernameKey }}
- name: CAMUNDA_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ .Values.processEngine.passwordKey }}
{{- end }}
{{- end }}

{{/* The ConfigMap with the service's settings. */}}
{{- define "catalog-lib.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "catalog-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "catalog-lib.labels" . | nindent 4 }}
data:
  {{- include "catalog-lib.configData" (dict "root" . "sidecar" .Values.otelCollector.enabled) | trim | nindent 2 }}
{{- end }}
