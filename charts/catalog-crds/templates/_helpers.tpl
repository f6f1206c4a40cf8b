{{/*
Labels and annotations of every CRD of the chart.
*/}}
{{- define "catalog-crds.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: catalog
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "catalog-crds.annotations" -}}
{{- if .Values.keep }}
annotations:
  helm.sh/resource-policy: keep
{{- end }}
{{- end }}

{{/*
status.conditions in the Kubernetes convention (Ready, Progressing, Degraded).
*/}}
{{- define "catalog-crds.conditions" -}}
conditions:
  description: Ready, Progressing and Degraded, each with a reason and a message.
  type: array
  x-kubernetes-list-type: map
  x-kubernetes-list-map-keys: [type]
  items:
    type: object
    required: [type, status, reason, lastTransitionTime]
    properties:
      type:
        type: string
        enum: [Ready, Progressing, Degraded]
      status:
        type: string
        enum: ["True", "False", "Unknown"]
      reason:
        type: string
        pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'
        maxLength: 1024
      message:
        type: string
        maxLength: 32768
      lastTransitionTime:
        type: string
        format: date-time
      observedGeneration:
        type: integer
        format: int64
        minimum: 0
observedGeneration:
  description: The generation of the spec the status describes.
  type: integer
  format: int64
  minimum: 0
{{- end }}

{{- define "catalog-crds.readyColumns" -}}
- name: Ready
  type: string
  jsonPath: .status.conditions[?(@.type=="Ready")].status
- name: Reason
  type: string
  jsonPath: .status.conditions[?(@.type=="Ready")].reason
{{- end }}
