# syntax=docker/dockerfile:1
# Multi-stage build: a static banzu binary (time zones embedded) on a
# minimal, non-root base image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/banzu ./cmd/banzu

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/banzu /usr/local/bin/banzu
WORKDIR /var/lib/banzu
# In a container banzu listens on all interfaces; the local web chat is off
# unless you set BANZU_CONSOLE_ENABLED=true together with BANZU_CONSOLE_TOKEN.
ENV BANZU_DATA_DIR=/var/lib/banzu \
    BANZU_LISTEN=0.0.0.0:8080 \
    BANZU_CONSOLE_ENABLED=false
VOLUME ["/var/lib/banzu"]
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/banzu"]
CMD ["serve"]
