{{/*
Pieces shared by every pod of a service: API, workers, hook Jobs and the helm test.
*/}}

{{/* Pod-level settings of the long-running pods: identity, security, scheduling. Takes the root context. */}}
{{- define "catalog-lib.podSettings" -}}
serviceAccountName: {{ include "catalog-lib.serviceAccountName" . }}
{{ include "catalog-lib.podBaseSettings" . }}
{{- end }}

{{/*
Pod settings without the service account: hook Jobs run before the chart's ServiceAccount
exists (pre-install), so they run as the namespace's default account, still without a token.
*/}}
{{- define "catalog-lib.podBaseSettings" -}}
{{- /* The services never call the Kubernetes API: no token in their pods. */ -}}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Container securityContext (the same for the app and its sidecar). */}}
{{- define "catalog-lib.containerSecurityContext" -}}
{{- toYaml .Values.securityContext }}
{{- end }}

{{/* The writable scratch space: the root filesystem is read-only. */}}
{{- define "catalog-lib.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end }}

{{- define "catalog-lib.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}

{{/*
The OpenTelemetry collector beside the app, as a native sidecar (an init container that keeps
running: restartPolicy Always, Kubernetes >= 1.29). It starts before the app, so no span of
the app's startup is lost, and it does not keep Jobs from completing.
*/}}
{{- define "catalog-lib.otelSidecar" -}}
- name: otel-collector
  image: {{ printf "%s:%s" .Values.otelCollector.image.repository .Values.otelCollector.image.tag | quote }}
  imagePullPolicy: {{ .Values.otelCollector.image.pullPolicy }}
  restartPolicy: Always
  args:
    - --config=/etc/otelcol/config.yaml
  env:
    - name: POD_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
  ports:
    - name: otel-health
      containerPort: 13133
      protocol: TCP
  startupProbe:
    httpGet:
      path: /
      port: otel-health
    periodSeconds: 1
    failureThreshold: 30
  livenessProbe:
    httpGet:
      path: /
      port: otel-health
    periodSeconds: 10
  readinessProbe:
    httpGet:
      path: /
      port: otel-health
    periodSeconds: 10
  resources:
    {{- required "otelCollector.resources is required" .Values.otelCollector.resources | toYaml | nindent 4 }}
  securityContext:
    {{- include "catalog-lib.containerSecurityContext" . | nindent 4 }}
  volumeMounts:
    - name: otel-collector-config
      mountPath: /etc/otelcol
      readOnly: true
{{- end }}

{{- define "catalog-lib.otelVolume" -}}
- name: otel-collector-config
  configMap:
    name: {{ include "catalog-lib.fullname" . }}-otel-collector
{{- end }}

{{/*
Checksums of the configuration the pods read, so a config change rolls the Deployments.
*/}}
{{- define "catalog-lib.configChecksums" -}}
checksum/config: {{ include "catalog-lib.configmap" . | sha256sum }}
{{- if .Values.otelCollector.enabled }}
checksum/otel-collector: {{ include "catalog-lib.otelCollectorConfig" . | sha256sum }}
{{- end }}
{{- end }}
