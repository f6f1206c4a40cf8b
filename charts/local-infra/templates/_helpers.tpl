{{/* `<release>-<component>` (the release is usually `catalog-infra`). */}}
{{- define "local-infra.name" -}}
{{- printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "local-infra.labels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: catalog-local-infra
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{- define "local-infra.selector" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* `<repository>:<tag>`; an empty tag means the chart's appVersion (`make deploy` sets each). */}}
{{- define "local-infra.image" -}}
{{- $image := index .root.Values.images .component }}
{{- printf "%s:%s" $image.repository ($image.tag | default .root.Chart.AppVersion) }}
{{- end }}

{{/*
One component: a single-replica Deployment (Recreate: never two servers on one data set) and
its Service. Arguments: root, component, ports (list of {name, port}), and the container's
spec fragments: env, args, probe (an httpGet or tcpSocket block), volumes ({name: mountPath}).
*/}}
{{- define "local-infra.component" -}}
{{- $ctx := dict "root" .root "component" .component }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "local-infra.name" $ctx }}
  labels:
    {{- include "local-infra.labels" $ctx | nindent 4 }}
spec:
  replicas: 1
  strategy:
    type: Recreate
  selector:
    matchLabels:
      {{- include "local-infra.selector" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "local-infra.labels" $ctx | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{ .component }}
          image: {{ include "local-infra.image" $ctx | quote }}
          imagePullPolicy: IfNotPresent
          {{- with .args }}
          args:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with .env }}
          env:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          ports:
            {{- range .ports }}
            - name: {{ .name }}
              containerPort: {{ .port }}
            {{- end }}
          # One replica: taking it out of its Service never helps a client, so a probe that
          # is slow on a busy node (an exec of pg_isready, a JVM in a collection) must not:
          # 5 s to answer, 30 s of failures before the server counts as not ready.
          readinessProbe:
            {{- toYaml .probe | nindent 12 }}
            periodSeconds: 5
            timeoutSeconds: 5
            failureThreshold: 6
          startupProbe:
            {{- toYaml .probe | nindent 12 }}
            periodSeconds: 3
            timeoutSeconds: 5
            failureThreshold: 100
          resources:
            {{- toYaml (index .root.Values .component).resources | nindent 12 }}
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
            runAsGroup: 10001
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
            seccompProfile:
              type: RuntimeDefault
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- range $name, $path := .volumes }}
            - name: {{ $name }}
              mountPath: {{ $path }}
            {{- end }}
            {{- range .secretFiles }}
            - name: {{ .name }}
              mountPath: {{ .mountPath }}
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- range $name, $path := .volumes }}
        - name: {{ $name }}
          emptyDir: {}
        {{- end }}
        {{- range .secretFiles }}
        - name: {{ .name }}
          secret:
            secretName: {{ .secretName }}
            items:
              - key: {{ .key }}
                path: {{ .path }}
        {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "local-infra.name" $ctx }}
  labels:
    {{- include "local-infra.labels" $ctx | nindent 4 }}
spec:
  selector:
    {{- include "local-infra.selector" $ctx | nindent 4 }}
  ports:
    {{- range .ports }}
    - name: {{ .name }}
      port: {{ .port }}
      targetPort: {{ .name }}
    {{- end }}
{{- end }}
