{{/*
OpenTelemetry collector sidecar configuration: OTLP in on localhost only (the app in the same
pod is the only sender), traces out to Zipkin.
*/}}
{{- define "catalog-lib.otelCollectorConfig" -}}
{{- $zipkin := include "catalog-lib.global" (list . "otel" "zipkinEndpoint") | default "http://zipkin:9411/api/v2/spans" -}}
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:4318
      grpc:
        endpoint: 127.0.0.1:4317
processors:
  memory_limiter:
    check_interval: 1s
    limit_mib: {{ .Values.otelCollector.memoryLimitMiB }}
    spike_limit_mib: {{ div .Values.otelCollector.memoryLimitMiB 5 }}
  batch: {}
exporters:
  zipkin:
    endpoint: {{ $zipkin | quote }}
extensions:
  health_check:
    endpoint: ${env:POD_IP}:13133
service:
  extensions: [health_check]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, batch]
      exporters: [zipkin]
{{- end }}

{{/* The collector's ConfigMap; rendered only when the sidecar is enabled. */}}
{{- define "catalog-lib.otelCollectorConfigMap" -}}
{{- if .Values.otelCollector.enabled }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "catalog-lib.fullname" . }}-otel-collector
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "catalog-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: otel-collector
data:
  config.yaml: |
    {{- include "catalog-lib.otelCollectorConfig" . | nindent 4 }}
{{- end }}
{{- end }}
