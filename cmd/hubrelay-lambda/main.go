// Command hubrelay-lambda is hubrelay as an AWS Lambda function (runtime
// provided.al2023, built with -tags lambda.norpc). It reads its config from
// HUBRELAY_CONFIG, opens the PostgreSQL store, and hands every invocation
// to internal/source/lambda; see that package for the inputs it takes.
package main

import (
	"context"
	"log/slog"
	"os"
	"time"
	_ "time/tzdata" // time zones load on images without a zone database

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/hubrelay/hubrelay/internal/config"
	"github.com/hubrelay/hubrelay/internal/notify"
	"github.com/hubrelay/hubrelay/internal/notify/destinations"
	"github.com/hubrelay/hubrelay/internal/service"
	lambdasource "github.com/hubrelay/hubrelay/internal/source/lambda"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	reg := destinations.Registry()
	cfg, err := lambdasource.LoadConfig(os.Getenv(lambdasource.EnvConfig),
		config.WithNow(time.Now()),
		config.WithDestinationTypes(func(typ string, st *config.Settings) error { return reg.Check(typ, st) }),
		config.WithNoticeTypes(reg.Notices))
	if err != nil {
		log.Error("hubrelay-lambda: config", slog.String("error", err.Error()))
		os.Exit(1)
	}
	log = notify.NewRedactor(cfg.Secrets()...).Logger(log)
	svc, err := service.Open(context.Background(), cfg, service.Options{Registry: reg, Log: log})
	if err != nil {
		log.Error("hubrelay-lambda: open", slog.String("error", err.Error()))
		os.Exit(1)
	}
	h, err := lambdasource.New(lambdasource.Options{
		Ingester: svc.Ingester(),
		Queue:    svc.Queue(),
		Counts:   svc.Store().Counts,
		Log:      log,
	})
	if err != nil {
		log.Error("hubrelay-lambda: handler", slog.String("error", err.Error()))
		os.Exit(1)
	}
	lambda.Start(h.Invoke)
}
