# Racetrack for the JVM: the platform as images.
#
#   make docker-push REGISTRY=registry.example.com/racetrack TAG=1.2.3
#
# builds one image per component with Jib (no Dockerfile, no Docker daemon) and pushes it to
# $(REGISTRY)/<component>:$(TAG): lifecycle (API and `racetrack admin`), supervisor (built from the
# lifecycle module, SupervisorMain), pub, image-builder and dashboard. kustomize/dev refers to them
# by these names (see docs/admin.md).
#
# BASE_IMAGE is the Java runtime the images start from (a public Temurin 21 JRE by default; CI uses
# a local one). Registry credentials: `docker login` / a credential helper, or
# REGISTRY_USER and REGISTRY_PASSWORD. INSECURE=true allows a plain-HTTP registry (a local one).

REGISTRY ?= localhost:5000/racetrack
TAG ?= latest
BASE_IMAGE ?= eclipse-temurin:21-jre
INSECURE ?= false
COMPONENTS ?= lifecycle,pub,imagebuilder,dashboard
MVN ?= ./mvnw
KUSTOMIZE_DIR ?= kustomize/dev

AUTH :=
ifneq ($(REGISTRY_USER),)
AUTH += -Djib.to.auth.username=$(REGISTRY_USER) -Djib.to.auth.password=$(REGISTRY_PASSWORD)
endif
ifneq ($(BASE_USER),)
AUTH += -Djib.from.auth.username=$(BASE_USER) -Djib.from.auth.password=$(BASE_PASSWORD)
endif

# kustomize/dev/secrets/ (git-ignored): the platform's keys and the database password, random, and
# the job registry's account (JOB_REGISTRY_USER/JOB_REGISTRY_PASSWORD, else REGISTRY_USER/
# REGISTRY_PASSWORD); written once, never overwritten. docker-push makes them when missing, so the
# two documented steps (make docker-push, kubectl apply -k kustomize/dev) are enough.
.PHONY: kustomize-secrets
kustomize-secrets:
	scripts/kustomize-secrets.sh $(KUSTOMIZE_DIR)

.PHONY: docker-push
docker-push: kustomize-secrets
	MAVEN_OPTS="$$MAVEN_OPTS -DsendCredentialsOverHttp=$(INSECURE)" $(MVN) -B -Pimages -Dmaven.test.skip=true -Dspotless.check.skip=true \
	  -Dimage.registry=$(REGISTRY) -Dimage.tag=$(TAG) -Dimage.base=$(BASE_IMAGE) \
	  -Dimage.insecureRegistries=$(INSECURE) \
	  $(AUTH) -pl $(COMPONENTS) -am package
