{{/* Optional HorizontalPodAutoscaler for the API. */}}
{{- define "catalog-lib.hpa" -}}
{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "catalog-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "catalog-lib.componentLabels" (dict "root" . "component" "api") | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "catalog-lib.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- end }}

{{/* Optional PodDisruptionBudget for the API. */}}
{{- define "catalog-lib.pdb" -}}
{{- if .Values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "catalog-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "catalog-lib.componentLabels" (dict "root" . "component" "api") | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "catalog-lib.componentSelectorLabels" (dict "root" . "component" "api") | nindent 6 }}
{{- end }}
{{- end }}
