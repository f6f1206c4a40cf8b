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
            {{- include "catalog-lib.jobEnv" $root | nindent 12 }}
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
A one-off process's environment, as a YAML list of EnvVar: the settings inline (a pre-install
hook runs before the ConfigMap exists) and the Secret references. Takes the root context.
*/}}
{{- define "catalog-lib.jobEnv" -}}
{{- range $key, $value := include "catalog-lib.configData" (dict "root" . "sidecar" false) | fromYaml }}
- name: {{ $key }}
  value: {{ $value | toString | quote }}
{{- end }}
{{ include "catalog-lib.secretEnv" . }}
{{- end }}

{{/*
Database migrations (`alembic upgrade head`) before the new version's pods start, in one of
two ways:
- `migrations.operator: false` (default): a pre-install/pre-upgrade hook Job; Helm waits for it.
- `migrations.operator: true`: a DatabaseMigration the catalog operator runs as a Job (never two
  of one database at once, applied revision and conditions in `kubectl get databasemigrations`);
  every pod of the service waits in an init container (catalog-lib.migrationWait) until the
  database is at its image's head, so no process of a new image meets an old schema.
Switch off with migrations.enabled=false; never rendered for a service without a database
(`database.enabled: false`).
*/}}
{{- define "catalog-lib.migrationJob" -}}
{{- if and (include "catalog-lib.databaseEnabled" .) .Values.migrations.enabled }}
{{- if .Values.migrations.operator }}
{{- include "catalog-lib.databaseMigration" . }}
{{- else }}
{{- include "catalog-lib.hookJob" (dict "root" . "name" "migrate" "job" .Values.migrations "hook" "pre-install,pre-upgrade" "weight" "-5") }}
{{- end }}
{{- end }}
{{- end }}

{{- define "catalog-lib.databaseMigration" -}}
{{- $v := .Values }}
apiVersion: catalog.example/v1alpha1
kind: DatabaseMigration
metadata:
  name: {{ include "catalog-lib.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "catalog-lib.componentLabels" (dict "root" . "component" "migrate") | nindent 4 }}
spec:
  service: {{ include "catalog-lib.name" . | quote }}
  {{- /* The lock's key: this release's database, not every database of the service's name. */}}
  database: {{ include "catalog-lib.fullname" . | quote }}
  image: {{ include "catalog-lib.image" . | quote }}
  imagePullPolicy: {{ $v.image.pullPolicy }}
  targetRevision: {{ $v.migrations.targetRevision | quote }}
  backoffLimit: {{ $v.migrations.backoffLimit }}
  activeDeadlineSeconds: {{ $v.migrations.activeDeadlineSeconds }}
  resources:
    {{- toYaml $v.migrations.resources | nindent 4 }}
  env:
    {{- include "catalog-lib.jobEnv" . | nindent 4 }}
{{- end }}

{{/*
With `migrations.operator: true`, the init container of every pod of a service with a database:
one process (catalog_chassis.migration_wait) reads the image's head revisions once and the
database's alembic_version every waitIntervalSeconds, with the pod's own settings, until the
database is at the image's heads, then the process starts. A pod of an image whose
migration has not run (yet, or failed) stays in Init, visible, instead of crashing on an old
schema. Nothing otherwise. Takes the root context.
*/}}
{{- define "catalog-lib.migrationWait" -}}
{{- $v := .Values }}
{{- if and (include "catalog-lib.databaseEnabled" .) $v.migrations.enabled $v.migrations.operator }}
- name: wait-for-migration
  image: {{ include "catalog-lib.image" . | quote }}
  imagePullPolicy: {{ $v.image.pullPolicy }}
  command:
    - python
    - -m
    - catalog_chassis.migration_wait
    - --interval
    - {{ $v.migrations.waitIntervalSeconds | quote }}
  envFrom:
    - configMapRef:
        name: {{ include "catalog-lib.fullname" . }}
  env:
    {{- include "catalog-lib.secretEnv" . | nindent 4 }}
  resources:
    {{- toYaml $v.migrations.resources | nindent 4 }}
  securityContext:
    {{- include "catalog-lib.containerSecurityContext" . | nindent 4 }}
  volumeMounts:
    {{- include "catalog-lib.tmpVolumeMount" . | nindent 4 }}
{{- end }}
{{- end }}
