{{/*
SPECIFICATION_URL and PRICING_URL: the chart's own value, else the umbrella's, else the peer
Service of the same release (installed by the umbrella beside this chart).
*/}}
{{- define "offering.specificationUrl" -}}
{{- .Values.specification.url
    | default (include "catalog-lib.global" (list . "serviceUrls" "specification"))
    | default (printf "http://%s" (include "catalog-lib.peerFullname" (dict "root" . "chart" "specification"))) }}
{{- end }}

{{- define "offering.pricingUrl" -}}
{{- .Values.pricing.url
    | default (include "catalog-lib.global" (list . "serviceUrls" "pricing"))
    | default (printf "http://%s" (include "catalog-lib.peerFullname" (dict "root" . "chart" "pricing"))) }}
{{- end }}
