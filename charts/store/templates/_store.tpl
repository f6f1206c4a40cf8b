{{/*
The store's own helpers. Workloads, naming and labels come from the library chart (catalog-lib).
*/}}

{{/*
Base URL of a write service the store asks (CHARACTERISTIC_URL, SPECIFICATION_URL,
PRICING_URL, OFFERING_URL, IDENTITY_URL): the chart's own `<peer>.url`, else the umbrella's
`global.serviceUrls.<peer>`, else the peer Service of the same release (installed by the
umbrella beside this chart). Takes (dict "root" . "peer" "pricing").
*/}}
{{- define "store.peerUrl" -}}
{{- $root := .root }}
{{- (index $root.Values .peer).url
    | default (include "catalog-lib.global" (list $root "serviceUrls" .peer))
    | default (printf "http://%s" (include "catalog-lib.peerFullname" (dict "root" $root "chart" .peer))) }}
{{- end }}

{{/* Secret holding MONGODB_URL (never rendered by the chart). */}}
{{- define "store.mongodbSecretName" -}}
{{- .Values.mongodb.existingSecret | default (printf "%s-mongodb" (include "catalog-lib.fullname" .)) }}
{{- end }}

{{/* Secret holding SEARCH_URL (never rendered by the chart). */}}
{{- define "store.searchSecretName" -}}
{{- .Values.search.existingSecret | default (printf "%s-search" (include "catalog-lib.fullname" .)) }}
{{- end }}

{{/* Secret holding CATALOG_PASSWORD, the store's service account (never rendered by the chart). */}}
{{- define "store.catalogAccountSecretName" -}}
{{- .Values.catalogAccount.existingSecret | default (printf "%s-catalog-account" (include "catalog-lib.fullname" .)) }}
{{- end }}

{{/*
The store's settings held in Secrets, for every process (the library adds RABBITMQ_URL; the
store has no DATABASE_URL): the document store's and the search engine's URLs (both may
carry credentials) and the password of the account it reads the write services with.
*/}}
{{- define "store.secretEnv" -}}
- name: MONGODB_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "store.mongodbSecretName" . }}
      key: {{ .Values.mongodb.secretKey }}
- name: SEARCH_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "store.searchSecretName" . }}
      key: {{ .Values.search.secretKey }}
- name: CATALOG_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "store.catalogAccountSecretName" . }}
      key: {{ .Values.catalogAccount.secretKey }}
{{- end }}
