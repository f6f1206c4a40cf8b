{{/*
CHARACTERISTIC_URL: the chart's own value, else the umbrella's, else the characteristic
Service of the same release (installed by the umbrella beside this chart).
*/}}
{{- define "specification.characteristicUrl" -}}
{{- .Values.characteristic.url
    | default (include "catalog-lib.global" (list . "serviceUrls" "characteristic"))
    | default (printf "http://%s" (include "catalog-lib.peerFullname" (dict "root" . "chart" "characteristic"))) }}
{{- end }}
