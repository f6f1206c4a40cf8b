{{/*
Hook Jobs: one-off steps of a release, run with the service image.
They get their settings inline (not from the ConfigMap, which a pre-install hook runs before)
and export traces straight to Zipkin (no sidecar: a Job's pod should not wait on one).
*/}}

{{/*
A hook Job. Takes (dict "root" . "name" "migrate" "job" <values block with command, resources,
backoffLimit, activeDeadlineSeconds> "hook" "pre-install,pre-upgrade" "weight" "-5"
[, "extraEnv" <YAML list of EnvVar>, "extraVolumes" <YAML list of Volume>,
"extraVolumeMounts" <YAML list of VolumeMount>]).
*/}}
{{- define "catalog-lib.hookJob" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $selector := dict "root" $root "component" .name }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ printf "%s-%s" (include "catalog-lib.fullname" $root) .name | trunc 63 | trimSuffix "-" }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "catalog-lib.componentLabels" $selector | nindent 4 }}
  annotations:
    helm.sh/hook: {{ .hook }}
    helm.sh/hook-weight: {{ .weight | quote }}
    {{- /* Keep a failed Job for its logs; replace it on the next attempt. */}}
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ .job.backoffLimit }}
  activeDeadlineSeconds: {{ .job.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "catalog-lib.componentLabels" $selector | nindent 8 }}
    spec:
      {{- include "catalog-lib.podBaseSettings" $root | nindent 6 }}
      restartPolicy: Never
      containers:
        - name: {{ .name }}
          image: {{ include "catalog-lib.image" $root | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          command:
            {{- toYaml .job.command | nindent 12 }}
          env:
            {{- range $key, $value := include "catalog-lib.configData" (dict "root" $root "sidecar" false) | fromYaml }}
            - name: {{ $key }}
              value: {{ $value | toString | quote }}
            {{- end }}
            {{- include "catalog-lib.secretEnv" $root | nindent 12 }}
            {{- with .extraEnv }}
            {{- . | nindent 12 }}
            {{- end }}
          resources:
            {{- required (printf "resources of the %s job are required" .name) .job.resources | toYaml | nindent 12 }}
          securityContext:
            {{- include "catalog-lib.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            {{- include "catalog-lib.tmpVolumeMount" $root | nindent 12 }}
            {{- with .extraVolumeMounts }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "catalog-lib.tmpVolume" $root | nindent 8 }}
        {{- with .extraVolumes }}
        {{- . | nindent 8 }}
        {{- end }}
{{- end }}

{{/*
Database migrations (`alembic upgrade head`) before the new version's pods start.
Switch off with migrations.enabled=false where the catalog operator runs them instead;
never rendered for a service without a database (`database.enabled: false`).
*/}}
{{- define "catalog-lib.migrationJob" -}}
{{- if and (include "catalog-lib.databaseEnabled" .) .Values.migrations.enabled }}
{{- include "catalog-lib.hookJob" (dict "root" . "name" "migrate" "job" .Values.migrations "hook" "pre-install,pre-upgrade" "weight" "-5") }}
{{- end }}
{{- end }}
