package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// MaxPresignExpiry is the longest a presigned S3 URL can be valid: SigV4
// query signatures carry at most seven days in X-Amz-Expires. A URL signed
// with temporary credentials (an ECS task role, an instance profile) stops
// working when those credentials expire, which may be sooner.
const MaxPresignExpiry = 7 * 24 * time.Hour

// Server-side encryption settings S3Options.SSE accepts.
const (
	// SSES3 encrypts with keys S3 manages (AES256); the default.
	SSES3 = "AES256"
	// SSEKMS encrypts with an AWS KMS key: S3Options.KMSKeyID, or the
	// account's aws/s3 key when it is empty. Readers of a presigned URL
	// need nothing more, but the role that signs it needs kms:Decrypt.
	SSEKMS = "aws:kms"
)

// S3Options configure NewS3.
type S3Options struct {
	// Bucket holds the reports. Required.
	Bucket string
	// Prefix starts every object key, in place of the archive key's
	// "reports/": an object key is Prefix + {project}/{file}. The config's
	// default, "reports/", keeps a report at reports/{project}/{date}.xlsx;
	// "" puts it at {project}/{date}.xlsx. A missing trailing '/' is
	// added.
	Prefix string
	// Region is the bucket's region; empty means the SDK's default
	// (AWS_REGION, the shared config file). Presigned URLs name it.
	Region string
	// Endpoint overrides the S3 endpoint (BaseEndpoint), for S3-compatible
	// stores and tests; empty keeps the SDK's resolution, which honours
	// AWS_ENDPOINT_URL_S3.
	Endpoint string
	// PathStyle addresses the bucket in the path (endpoint/bucket/key)
	// instead of the host name; S3-compatible stores and tests need it.
	PathStyle bool
	// SSE is the server-side encryption of every object: SSES3 (default
	// when empty) or SSEKMS.
	SSE string
	// KMSKeyID is the KMS key (ID, ARN or alias) for SSEKMS; it is an error
	// with SSES3.
	KMSKeyID string
	// Credentials, when set, replace the SDK's default credential chain.
	Credentials aws.CredentialsProvider
	// Log receives the SDK's warnings; nil discards them.
	Log *slog.Logger
}

// S3 keeps reports in an S3 bucket, encrypted at rest, and links to them
// with presigned GetObject URLs. It is safe for concurrent use.
type S3 struct {
	api      *s3.Client
	presign  *s3.PresignClient
	bucket   string
	prefix   string
	sse      types.ServerSideEncryption
	kmsKeyID string
}

// NewS3 builds the S3 client from the SDK's default configuration and
// opt. It makes no request: a missing bucket or bad credentials show on
// the first Put. Errors name the option at fault.
func NewS3(ctx context.Context, opt S3Options) (*S3, error) {
	if opt.Bucket == "" {
		return nil, errors.New("archive: s3: no bucket (bucket)")
	}
	prefix := opt.Prefix
	if prefix != "" {
		if strings.HasPrefix(prefix, "/") {
			return nil, fmt.Errorf("archive: s3: prefix %q starts with '/'", opt.Prefix)
		}
		prefix = strings.TrimSuffix(prefix, "/")
		for seg := range strings.SplitSeq(prefix, "/") {
			if err := checkSegment(seg); err != nil {
				return nil, fmt.Errorf("archive: s3: prefix %q: segment %q: %w", opt.Prefix, seg, err)
			}
		}
		prefix += "/"
	}
	s := &S3{bucket: opt.Bucket, prefix: prefix}
	switch opt.SSE {
	case "", SSES3:
		if opt.KMSKeyID != "" {
			return nil, errors.New("archive: s3: kms_key_id is set but sse is AES256; set sse: aws:kms")
		}
		s.sse = types.ServerSideEncryptionAes256
	case SSEKMS:
		s.sse = types.ServerSideEncryptionAwsKms
		s.kmsKeyID = opt.KMSKeyID
	default:
		return nil, fmt.Errorf("archive: s3: sse %q: want %s or %s", opt.SSE, SSES3, SSEKMS)
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	loads := []func(*awsconfig.LoadOptions) error{awsconfig.WithLogger(sdkLogger{log})}
	if opt.Region != "" {
		loads = append(loads, awsconfig.WithRegion(opt.Region))
	}
	if opt.Credentials != nil {
		loads = append(loads, awsconfig.WithCredentialsProvider(opt.Credentials))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, fmt.Errorf("archive: s3: load AWS config: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("archive: s3: no AWS region: set reports.storage.s3.region in the config, or AWS_REGION")
	}
	s.api = s3.NewFromConfig(cfg, func(o *s3.Options) {
		if opt.Endpoint != "" {
			o.BaseEndpoint = aws.String(opt.Endpoint)
		}
		o.UsePathStyle = opt.PathStyle
	})
	s.presign = s3.NewPresignClient(s.api)
	return s, nil
}

// ObjectKey returns the S3 object key of a valid archive key
// reports/{project}/{file}: Prefix + {project}/{file}.
func (s *S3) ObjectKey(key string) string {
	return s.prefix + strings.TrimPrefix(key, KeyPrefix+"/")
}

// Put uploads r as the object of key (see ParseKey) with one PutObject:
// server-side encrypted, with the report's Content-Type and a
// Content-Disposition that downloads it under DownloadName(key). size is
// the number of bytes r holds (negative: unknown). The SDK needs the
// length and a body it can rewind (to hash it and to retry), so a reader
// that is not an io.ReadSeeker is read into memory first; pass a
// *bytes.Reader or an *os.File to avoid the copy.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if _, _, err := ParseKey(key); err != nil {
		return err
	}
	if _, ok := r.(io.ReadSeeker); !ok {
		data, err := io.ReadAll(contextReader{ctx, r})
		if err != nil {
			return fmt.Errorf("archive: s3: put %s: read: %w", key, err)
		}
		if size >= 0 && int64(len(data)) != size {
			return fmt.Errorf("archive: s3: put %s: got %d bytes, want %d", key, len(data), size)
		}
		r, size = bytes.NewReader(data), int64(len(data))
	}
	in := &s3.PutObjectInput{
		Bucket:               aws.String(s.bucket),
		Key:                  aws.String(s.ObjectKey(key)),
		Body:                 r,
		ContentType:          aws.String(ContentType(key)),
		ContentDisposition:   aws.String(ContentDisposition(DownloadName(key))),
		CacheControl:         aws.String("private, no-store"),
		ServerSideEncryption: s.sse,
	}
	if size >= 0 {
		in.ContentLength = aws.Int64(size)
	}
	if s.kmsKeyID != "" {
		in.SSEKMSKeyId = aws.String(s.kmsKeyID)
	}
	if _, err := s.api.PutObject(ctx, in); err != nil {
		return fmt.Errorf("archive: s3: put s3://%s/%s: %w", s.bucket, s.ObjectKey(key), err)
	}
	return nil
}

// Link presigns a GetObject of key valid for expires, at most
// MaxPresignExpiry. It makes no request and does not check that the object
// exists. The URL carries a signature (never the secret key); treat it as
// a password for its lifetime.
func (s *S3) Link(ctx context.Context, key string, expires time.Duration) (string, error) {
	if _, _, err := ParseKey(key); err != nil {
		return "", err
	}
	if expires <= 0 || expires > MaxPresignExpiry {
		return "", fmt.Errorf("archive: s3: link %s: expiry %v must be more than 0 and at most %v (7 days, the SigV4 limit)", key, expires, MaxPresignExpiry)
	}
	if expires%time.Second != 0 {
		return "", fmt.Errorf("archive: s3: link %s: expiry %v is not whole seconds", key, expires)
	}
	req, err := s.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(s.ObjectKey(key)),
	}, s3.WithPresignExpires(expires))
	if err != nil {
		return "", fmt.Errorf("archive: s3: presign s3://%s/%s: %w", s.bucket, s.ObjectKey(key), err)
	}
	return req.URL, nil
}
