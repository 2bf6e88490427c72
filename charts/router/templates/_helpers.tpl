{{/* router.name: the chart name, or nameOverride. */}}
{{- define "router.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* router.fullname: release-qualified name used for every resource. */}}
{{- define "router.fullname" -}}
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

{{/* router.selectorLabels: the immutable labels that select the router pods. */}}
{{- define "router.selectorLabels" -}}
app.kubernetes.io/name: {{ include "router.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* router.labels: standard labels plus commonLabels. */}}
{{- define "router.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "router.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: router
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* router.serviceAccountName: the ServiceAccount the pods run as. */}}
{{- define "router.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "router.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* router.configSecretName: the Secret holding router.yaml (existing, or rendered from .Values.config). */}}
{{- define "router.configSecretName" -}}
{{- default (printf "%s-config" (include "router.fullname" .)) .Values.existingConfigSecret -}}
{{- end -}}

{{/* router.validate: refuses an open router by accident: without tenants, auth.mode must be set to none explicitly. */}}
{{- define "router.validate" -}}
{{- if not .Values.existingConfigSecret -}}
{{- if not .Values.config -}}
{{- fail "config is empty: pass the output of `pnpm router-config` as `config`, or set existingConfigSecret" -}}
{{- end -}}
{{- if and (ne .Values.auth.mode "none") (empty .Values.config.tenants) -}}
{{- fail "config.tenants is empty: the router would accept no API key. Add tenants to the config, or set auth.mode: none explicitly for an open router" -}}
{{- end -}}
{{- end -}}
{{- if and .Values.redis.enabled (or .Values.redis.url .Values.redis.existingSecret) -}}
{{- fail "redis: set either redis.enabled (in-chart Redis) or redis.url / redis.existingSecret (external), not both" -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not .Values.ingress.host) -}}
{{- fail "ingress.host is required when ingress.enabled: the router's public host (llm-platform:routerHostname; the stack passes it)" -}}
{{- end -}}
{{- end -}}

{{/* router.configChecksum: changes whenever the config (or the Secret it comes from) changes, rolling the pods. */}}
{{- define "router.configChecksum" -}}
{{- if .Values.existingConfigSecret -}}
{{- printf "%s/%s" .Values.existingConfigSecret .Values.existingConfigSecretKey | sha256sum -}}
{{- else -}}
{{- include "router.effectiveConfig" . | sha256sum -}}
{{- end -}}
{{- end -}}

{{/* router.redisLabels: labels of the in-chart Redis (its own name, so router selectors never match it). */}}
{{- define "router.redisLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "router.name" . }}-redis
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: redis
{{- end -}}

{{/* router.effectiveConfig: .Values.config as YAML, with `state.redis: ${REDIS_URL}` added when a Redis is configured and the config names none. */}}
{{- define "router.effectiveConfig" -}}
{{- $config := deepCopy .Values.config -}}
{{- if and (or .Values.redis.enabled .Values.redis.url .Values.redis.existingSecret) (not (dig "state" "redis" "" $config)) -}}
{{- $state := default (dict) (get $config "state") -}}
{{- $_ := set $state "redis" "${REDIS_URL}" -}}
{{- $_ := set $config "state" $state -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}

{{/* router.image: `<registry>/<repository>@<digest>` when a digest is set (the pushed image, exactly), else registry/repository:tag. */}}
{{- define "router.image" -}}
{{- $name := .Values.image.repository -}}
{{- with .Values.image.registry }}{{ $name = printf "%s/%s" . $name }}{{ end -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $name .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $name (.Values.image.tag | toString) -}}
{{- end -}}
{{- end -}}
