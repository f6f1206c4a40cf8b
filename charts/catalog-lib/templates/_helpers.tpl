{{/*
Naming and labels: the `helm create` vocabulary, shared by every service chart.
All helpers take the chart's root context unless stated otherwise.
*/}}

{{/* Chart name, overridable with nameOverride. */}}
{{- define "catalog-lib.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name. Truncated at 63 characters (the DNS label limit); a release name
that already contains the chart name is used as is.
*/}}
{{- define "catalog-lib.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The fullname another chart of the same release gets by default, e.g. the identity service
seen from any other service: (dict "root" . "chart" "identity").
*/}}
{{- define "catalog-lib.peerFullname" -}}
{{- if contains .chart .root.Release.Name }}
{{- .root.Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .root.Release.Name .chart | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Chart name and version, as used by the helm.sh/chart label. */}}
{{- define "catalog-lib.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Common labels. */}}
{{- define "catalog-lib.labels" -}}
helm.sh/chart: {{ include "catalog-lib.chart" . }}
{{ include "catalog-lib.selectorLabels" . }}
{{- with .Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: catalog
{{- end }}

{{/* Selector labels. */}}
{{- define "catalog-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ include "catalog-lib.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Selector labels of one workload of the service (api, relay, a consumer...), so each
Deployment selects only its own pods. Takes (dict "root" . "component" "api").
*/}}
{{- define "catalog-lib.componentSelectorLabels" -}}
{{ include "catalog-lib.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Labels of one workload: common labels plus its component. */}}
{{- define "catalog-lib.componentLabels" -}}
{{ include "catalog-lib.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Name of the service account to use. */}}
{{- define "catalog-lib.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "catalog-lib.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
A value of the umbrella's `global:` block ("" when absent, e.g. in a standalone install),
rendered with tpl so global values may refer to the release: (list . "image" "tag").
*/}}
{{- define "catalog-lib.global" -}}
{{- $root := first . }}
{{- $value := $root.Values.global | default dict }}
{{- range rest . }}
{{- if kindIs "map" $value }}
{{- $value = index $value . | default "" }}
{{- else }}
{{- $value = "" }}
{{- end }}
{{- end }}
{{- if kindIs "string" $value }}{{ tpl $value $root }}{{ else }}{{ $value }}{{ end }}
{{- end }}

{{/* Container image reference: the chart's registry/tag win over global ones, then appVersion. */}}
{{- define "catalog-lib.image" -}}
{{- $registry := .Values.image.registry | default (include "catalog-lib.global" (list . "image" "registry")) }}
{{- $tag := .Values.image.tag | default (include "catalog-lib.global" (list . "image" "tag")) | default .Chart.AppVersion }}
{{- if $registry }}
{{- printf "%s/%s:%s" $registry .Values.image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
Whether the service keeps a Postgres database ("true" or ""): `database.enabled`, true when
absent. Without one the pods get no DATABASE_URL and no migration Job runs.
*/}}
{{- define "catalog-lib.databaseEnabled" -}}
{{- if dig "enabled" true (.Values.database | default dict) }}true{{ end }}
{{- end }}

{{/* Secret holding DATABASE_URL (never rendered by the chart). */}}
{{- define "catalog-lib.databaseSecretName" -}}
{{- .Values.database.existingSecret | default (printf "%s-database" (include "catalog-lib.fullname" .)) }}
{{- end }}

{{/* Secret holding RABBITMQ_URL (never rendered by the chart). */}}
{{- define "catalog-lib.rabbitmqSecretName" -}}
{{- .Values.rabbitmq.existingSecret | default (printf "%s-rabbitmq" (include "catalog-lib.fullname" .)) }}
{{- end }}

{{/*
Whether the service's processes talk to the process engine ("true" or ""): the Camunda 7 REST
API its saga steps run on (Operaton serves the same API). `processEngine.enabled`, false when
absent, so a chart without the block never gets CAMUNDA_*.
*/}}
{{- define "catalog-lib.processEngineEnabled" -}}
{{- if dig "enabled" false (.Values.processEngine | default dict) }}true{{ end }}
{{- end }}

{{/*
CAMUNDA_URL, the engine's REST base URL (ending in /engine-rest): the chart's own
`processEngine.url`, else the umbrella's `global.processEngine.url` (templated), else the
engine Service of the same release (the umbrella's `camunda` dependency).
*/}}
{{- define "catalog-lib.processEngineUrl" -}}
{{- .Values.processEngine.url
    | default (include "catalog-lib.global" (list . "processEngine" "url"))
    | default (printf "http://%s:8080/engine-rest" (include "catalog-lib.peerFullname" (dict "root" . "chart" "camunda"))) }}
{{- end }}

{{/*
Secret holding the service's engine user, CAMUNDA_USERNAME and CAMUNDA_PASSWORD (never
rendered by the chart).
*/}}
{{- define "catalog-lib.processEngineSecretName" -}}
{{- .Values.processEngine.existingSecret | default (printf "%s-process-engine" (include "catalog-lib.fullname" .)) }}
{{- end }}
