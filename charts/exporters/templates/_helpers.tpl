{{/* exporters.name: the chart name, or nameOverride. */}}
{{- define "exporters.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* exporters.fullname: release-qualified name used for every resource. */}}
{{- define "exporters.fullname" -}}
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

{{/* exporters.selectorLabels: the immutable labels that select the pod. */}}
{{- define "exporters.selectorLabels" -}}
app.kubernetes.io/name: {{ include "exporters.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* exporters.labels: standard labels plus commonLabels. */}}
{{- define "exporters.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "exporters.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: cost-exporter
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* exporters.serviceAccountName: the ServiceAccount the pod runs as. */}}
{{- define "exporters.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "exporters.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* exporters.image: `<registry>/<repository>@<digest>` when a digest is set (the pushed image, exactly), else registry/repository:tag. */}}
{{- define "exporters.image" -}}
{{- $name := .Values.image.repository -}}
{{- with .Values.image.registry }}{{ $name = printf "%s/%s" . $name }}{{ end -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $name .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $name (.Values.image.tag | toString) -}}
{{- end -}}
{{- end -}}

{{/* exporters.config: the exporter's config.yaml (schema: exporters/src/config/schema.ts); runtime namespaces default to the release namespace. */}}
{{- define "exporters.config" -}}
{{- $pools := list -}}
{{- range .Values.pools -}}
{{- $pool := deepCopy . -}}
{{- if $pool.runtime -}}
{{- if not $pool.runtime.namespace -}}
{{- $_ := set $pool.runtime "namespace" $.Release.Namespace -}}
{{- end -}}
{{- end -}}
{{- $pools = append $pools $pool -}}
{{- end -}}
{{- $cfg := dict
  "cluster" .Values.exporter.cluster
  "host" "0.0.0.0"
  "port" .Values.exporter.port
  "refreshIntervalSeconds" .Values.exporter.refreshIntervalSeconds
  "scrapeTimeoutMs" .Values.exporter.scrapeTimeoutMs
  "idleThroughputFloor" .Values.exporter.idleThroughputFloor
  "idleThroughput" .Values.exporter.idleThroughput
  "tokenBasis" .Values.exporter.tokenBasis
  "nodePoolLabel" .Values.exporter.nodePoolLabel
  "logLevel" .Values.exporter.logLevel
  "kubernetes" (dict "timeoutMs" .Values.exporter.kubernetesTimeoutMs)
  "pools" $pools
-}}
{{- toYaml $cfg -}}
{{- end -}}
