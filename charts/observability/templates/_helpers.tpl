{{/* observability.name: the chart name, or nameOverride. */}}
{{- define "observability.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* observability.fullname: release-qualified name used as the prefix of every resource. */}}
{{- define "observability.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* observability.labels: standard labels plus commonLabels. */}}
{{- define "observability.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "observability.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: observability
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* observability.rules: files/rules.yaml with the configurable thresholds substituted and disabled alerts dropped, as a dict. */}}
{{- define "observability.rules" -}}
{{- $p := .Values.prometheusRule -}}
{{- $text := .Files.Get "files/rules.yaml" -}}
{{- $text = replace "> 10 # budgetBurnUsdPerHour" (printf "> %v # budgetBurnUsdPerHour" $p.budgetBurnUsdPerHour) $text -}}
{{- $text = replace "for: 15m # gpuStuckColdFor" (printf "for: %s # gpuStuckColdFor" $p.gpuStuckColdFor) $text -}}
{{- $text = replace "> 1 # gpuStuckColdDemandAbove" (printf "> %v # gpuStuckColdDemandAbove" $p.gpuStuckColdDemandAbove) $text -}}
{{- $doc := fromYaml $text -}}
{{- $groups := list -}}
{{- range $doc.groups -}}
{{- $rules := list -}}
{{- range .rules -}}
{{- if not (has .alert $p.disabledAlerts) -}}
{{- $rule := . -}}
{{- if $p.extraAlertLabels -}}
{{- $rule = merge (dict "labels" (merge (deepCopy $p.extraAlertLabels) (default dict .labels))) (omit . "labels") -}}
{{- end -}}
{{- $rules = append $rules $rule -}}
{{- end -}}
{{- end -}}
{{- if $rules -}}
{{- $groups = append $groups (dict "name" .name "rules" $rules) -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "groups" $groups) -}}
{{- end -}}
