{{- define "catalog-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-operator" .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "catalog-operator.selectorLabels" -}}
app.kubernetes.io/name: catalog-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "catalog-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "catalog-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: catalog
{{- end }}

{{- define "catalog-operator.namespace" -}}
{{- .Values.watchNamespace | default .Release.Namespace }}
{{- end }}
