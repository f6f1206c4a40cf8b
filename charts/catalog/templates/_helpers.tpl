{{/*
The umbrella's helpers. Naming and labels come from the library chart (catalog-lib).
*/}}

{{/* The edge route table shared with the local nginx edge. */}}
{{- define "catalog.routeTable" -}}
{{- .Files.Get "files/routes.yaml" | fromYaml | toJson }}
{{- end }}

{{/* Name of the edge objects (Gateway, policies, Ingress). */}}
{{- define "catalog.edgeName" -}}
{{- printf "%s-edge" .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The routed backends, as a JSON list of {name, service, port, prefixes}: every service of the
route table that this release installs (its values block exists and is enabled), plus the UI
when edge.frontend.enabled. A service not yet part of the umbrella has no values block and is
skipped.
*/}}
{{- define "catalog.backends" -}}
{{- $root := . }}
{{- $table := include "catalog.routeTable" . | fromJson }}
{{- $backends := list }}
{{- range $name, $route := $table.services }}
{{- $values := index $root.Values $name | default dict }}
{{- if $values.enabled }}
{{- /* The subchart's own fullname, honouring its nameOverride/fullnameOverride. */}}
{{- $context := dict "Values" $values "Chart" (dict "Name" $name) "Release" $root.Release }}
{{- $service := include "catalog-lib.fullname" $context }}
{{- $port := dig "service" "port" 80 $values }}
{{- $backends = append $backends (dict "name" $name "service" $service "port" $port "prefixes" $route.prefixes) }}
{{- end }}
{{- end }}
{{- if .Values.edge.frontend.enabled }}
{{- $service := .Values.edge.frontend.serviceName | default (printf "%s-frontend" .Release.Name) }}
{{- $backends = append $backends (dict "name" "frontend" "service" $service "port" .Values.edge.frontend.port "prefixes" $table.frontend.prefixes) }}
{{- end }}
{{- toJson $backends }}
{{- end }}

{{/* Edge timeouts of the route table as Gateway API durations. */}}
{{- define "catalog.connectTimeout" -}}
{{- $table := include "catalog.routeTable" . | fromJson }}
{{- printf "%vs" $table.edge.timeouts.connectSeconds }}
{{- end }}
