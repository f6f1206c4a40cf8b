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

{{/* "true" when the edge's dependency health is deployed (edge.dependencyHealth), else "". */}}
{{- define "catalog.dependencyHealthEnabled" -}}
{{- if and (ne .Values.edge.mode "none") .Values.edge.dependencyHealth.enabled }}true{{ end }}
{{- end }}

{{/* Name of the dependency health's Deployment and Service. */}}
{{- define "catalog.dependencyHealthName" -}}
{{- printf "%s-dependency-health" .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
What the Gateway API / Ingress edge routes, as a JSON list of {name, service, port, prefixes,
paths}: the backends (catalog.backends, by path prefix) and, when deployed, the dependency
health by exact path (`/health`, `/health/dependencies`).
*/}}
{{- define "catalog.routes" -}}
{{- $routes := include "catalog.backends" . | fromJsonArray }}
{{- if include "catalog.dependencyHealthEnabled" . }}
{{- $routes = append $routes (dict "name" "dependency-health" "service" (include "catalog.dependencyHealthName" .) "port" 80 "prefixes" list "paths" (list "/health" "/health/dependencies")) }}
{{- end }}
{{- toJson $routes }}
{{- end }}
