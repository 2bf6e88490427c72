{{/* llm-runtime.name: the chart name, or nameOverride. */}}
{{- define "llm-runtime.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* llm-runtime.fullname: release-qualified name used for every resource. */}}
{{- define "llm-runtime.fullname" -}}
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

{{/* llm-runtime.selectorLabels: the immutable labels that select the pods. */}}
{{- define "llm-runtime.selectorLabels" -}}
app.kubernetes.io/name: {{ include "llm-runtime.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* llm-runtime.labels: standard labels plus the pool (cpu/gpu) and commonLabels. */}}
{{- define "llm-runtime.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "llm-runtime.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: inference
llm.platform/pool: {{ include "llm-runtime.pool" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* llm-runtime.pool: "gpu" or "cpu", from gpu.enabled. */}}
{{- define "llm-runtime.pool" -}}
{{- ternary "gpu" "cpu" .Values.gpu.enabled -}}
{{- end -}}

{{/* llm-runtime.image: the CPU image, or the CUDA variant (tag + cudaTagSuffix) in GPU mode. */}}
{{- define "llm-runtime.image" -}}
{{- $tag := .Values.image.tag | toString -}}
{{- if .Values.gpu.enabled -}}{{- $tag = printf "%s%s" $tag .Values.image.cudaTagSuffix -}}{{- end -}}
{{- printf "%s/%s:%s" .Values.image.registry .Values.image.repository $tag -}}
{{- end -}}

{{/* llm-runtime.serviceAccountName: the ServiceAccount the pods run as. */}}
{{- define "llm-runtime.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "llm-runtime.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* llm-runtime.hmacSecretName: the Secret with the HMAC secret (existing or created); fails when none is configured. */}}
{{- define "llm-runtime.hmacSecretName" -}}
{{- if .Values.auth.existingSecret -}}
{{- .Values.auth.existingSecret -}}
{{- else if .Values.auth.secret -}}
{{- printf "%s-hmac" (include "llm-runtime.fullname" .) -}}
{{- else -}}
{{- fail "auth.mode is hmac: set auth.existingSecret (a Secret you manage) or auth.secret (rendered into a Secret)" -}}
{{- end -}}
{{- end -}}

{{/* llm-runtime.cacheClaimName: the PVC of the model cache (existing or created). */}}
{{- define "llm-runtime.cacheClaimName" -}}
{{- default (printf "%s-models" (include "llm-runtime.fullname" .)) .Values.modelCache.pvc.existingClaim -}}
{{- end -}}

{{/* llm-runtime.modelPath: absolute path of the model file in the cache volume. */}}
{{- define "llm-runtime.modelPath" -}}
{{- printf "%s/%s" (.Values.modelCache.mountPath | trimSuffix "/") .Values.model.file -}}
{{- end -}}

{{/* llm-runtime.configChecksum: hash of everything that changes the pods' behaviour but not their spec (model, auth). */}}
{{- define "llm-runtime.configChecksum" -}}
{{- $cfg := dict "model" .Values.model "runtime" .Values.runtime "auth" .Values.auth "gpu" .Values.gpu.enabled -}}
{{- toJson $cfg | sha256sum -}}
{{- end -}}
