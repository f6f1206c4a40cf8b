{{/*
`helm test` connection check: the API answers /health/ready through its Service.
Uses the service image itself (Python's urllib), so no extra image is pulled.
*/}}
{{- define "catalog-lib.testConnection" -}}
{{- $url := printf "http://%s:%v/health/ready" (include "catalog-lib.fullname" .) .Values.service.port }}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "catalog-lib.fullname" . }}-test-connection
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "catalog-lib.componentLabels" (dict "root" . "component" "test") | nindent 4 }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  {{- include "catalog-lib.podBaseSettings" . | nindent 2 }}
  restartPolicy: Never
  containers:
    - name: readiness
      image: {{ include "catalog-lib.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command:
        - python
        - -c
        - |
          import sys, urllib.request
          with urllib.request.urlopen({{ $url | quote }}, timeout=5) as response:
              sys.exit(0 if response.status == 200 else 1)
      resources:
        requests:
          cpu: 10m
          memory: 32Mi
        limits:
          cpu: 100m
          memory: 64Mi
      securityContext:
        {{- include "catalog-lib.containerSecurityContext" . | nindent 8 }}
{{- end }}
