{{/*
Identity's signing keys: a Secret created outside the chart (never generated here), mounted
read-only; the settings point at the files.
*/}}

{{- define "identity.jwtKeysSecretName" -}}
{{- .Values.jwt.existingSecret | default (printf "%s-jwt-keys" (include "catalog-lib.fullname" .)) }}
{{- end }}

{{- define "identity.seedEnv" -}}
- name: SEED_DEMO_USERS
  value: {{ .Values.seedDemoUsers | toString | quote }}
{{- end }}

{{- define "identity.apiEnv" -}}
{{ include "identity.seedEnv" . }}
- name: JWT_PRIVATE_KEY_FILE
  value: {{ printf "%s/%s" .Values.jwt.mountPath .Values.jwt.privateKeyKey | quote }}
{{- if .Values.jwt.previousPublicKeyKeys }}
{{- $files := list }}
{{- range .Values.jwt.previousPublicKeyKeys }}
{{- $files = append $files (printf "%s/%s" $.Values.jwt.mountPath .) }}
{{- end }}
- name: JWT_PUBLIC_KEY_FILES
  value: {{ join "," $files | quote }}
{{- end }}
{{- end }}

{{- define "identity.jwtKeysVolume" -}}
- name: jwt-keys
  secret:
    secretName: {{ include "identity.jwtKeysSecretName" . }}
    # Readable by the app's group (fsGroup) only.
    defaultMode: 0440
    items:
      - key: {{ .Values.jwt.privateKeyKey }}
        path: {{ .Values.jwt.privateKeyKey }}
      {{- range .Values.jwt.previousPublicKeyKeys }}
      - key: {{ . }}
        path: {{ . }}
      {{- end }}
{{- end }}

{{- define "identity.jwtKeysVolumeMount" -}}
- name: jwt-keys
  mountPath: {{ .Values.jwt.mountPath }}
  readOnly: true
{{- end }}
