{{/* The API's ClusterIP Service. */}}
{{- define "catalog-lib.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "catalog-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "catalog-lib.componentLabels" (dict "root" . "component" "api") | nindent 4 }}
  {{- with .Values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
      appProtocol: http
  selector:
    {{- include "catalog-lib.componentSelectorLabels" (dict "root" . "component" "api") | nindent 4 }}
{{- end }}

{{/* The service account the pods run as (it gets no API token, see podSettings). */}}
{{- define "catalog-lib.serviceAccount" -}}
{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "catalog-lib.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "catalog-lib.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end }}
{{- end }}
