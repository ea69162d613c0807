package files

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"

	"jianyi/internal/platform/apperr"
)

// Upload is a file received from a user, checked but not yet stored.
type Upload struct {
	Filename    string // sanitised
	ContentType string // sniffed
	Content     []byte
}

// AllowedUploadTypes are the content types accepted for attachments, by what
// the bytes are (sniffed), not what the client claims.
var AllowedUploadTypes = map[string]string{
	"application/pdf":           ".pdf",
	"image/jpeg":                ".jpg",
	"image/png":                 ".png",
	"image/gif":                 ".gif",
	"image/webp":                ".webp",
	"application/zip":           ".zip", // .docx/.xlsx/.ofd are zip containers
	"text/plain":                ".txt",
	"application/msword-or-ole": ".doc",
}

// SniffContentType says what the bytes are.
func SniffContentType(b []byte) string {
	if len(b) >= 8 && string(b[:8]) == "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" {
		return "application/msword-or-ole" // legacy .doc/.xls
	}
	ct := http.DetectContentType(b)
	if i := strings.Index(ct, ";"); i >= 0 {
		ct = ct[:i]
	}
	return ct
}

// SanitizeFilename strips directories, control characters and characters that
// mean something to shells or file systems, keeping Chinese names readable.
func SanitizeFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r), strings.ContainsRune(`/\:*?"<>|`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	out := strings.TrimLeft(strings.TrimSpace(b.String()), ".")
	if out == "" || out == "_" {
		out = "file"
	}
	if r := []rune(out); len(r) > 120 {
		ext := path.Ext(out)
		out = string(r[:120-len([]rune(ext))]) + ext
	}
	return out
}

// CheckUpload validates one received file: size, sniffed type against the
// allowed list and against the extension the name claims.
func CheckUpload(filename, claimedType string, content []byte, maxSize int64) (Upload, error) {
	if int64(len(content)) > maxSize {
		return Upload{}, &apperr.Error{Kind: apperr.ErrTooLarge, Code: "file_too_large", Message: "附件超过大小限制"}
	}
	if len(content) == 0 {
		return Upload{}, apperr.InvalidField("files", "附件为空")
	}
	name := SanitizeFilename(filename)
	sniffed := SniffContentType(content)
	if _, ok := AllowedUploadTypes[sniffed]; !ok {
		return Upload{}, &apperr.Error{Kind: apperr.ErrUnsupported, Code: "file_type_not_allowed", Message: "不支持的附件类型（" + sniffed + "），请上传 PDF、图片、Office 文档或文本文件",
			Fields: map[string]string{"files": "附件类型不被接受"}}
	}
	if !extensionMatches(strings.ToLower(path.Ext(name)), sniffed) {
		return Upload{}, &apperr.Error{Kind: apperr.ErrUnsupported, Code: "file_type_mismatch", Message: "附件内容与文件扩展名不符：" + name,
			Fields: map[string]string{"files": "文件内容与扩展名不符"}}
	}
	if claimedType != "" && claimedType != "application/octet-stream" {
		base := strings.TrimSpace(strings.Split(claimedType, ";")[0])
		if !claimedMatches(base, sniffed) {
			return Upload{}, &apperr.Error{Kind: apperr.ErrUnsupported, Code: "file_type_mismatch", Message: "附件内容与声明的类型不符：" + name,
				Fields: map[string]string{"files": "文件内容与声明的类型不符"}}
		}
	}
	return Upload{Filename: name, ContentType: sniffed, Content: content}, nil
}

func extensionMatches(ext, sniffed string) bool {
	allowed := map[string][]string{
		"application/pdf":           {".pdf"},
		"image/jpeg":                {".jpg", ".jpeg"},
		"image/png":                 {".png"},
		"image/gif":                 {".gif"},
		"image/webp":                {".webp"},
		"application/zip":           {".zip", ".docx", ".xlsx", ".pptx", ".ofd"},
		"text/plain":                {".txt", ".csv", ".md"},
		"application/msword-or-ole": {".doc", ".xls", ".ppt"},
	}[sniffed]
	for _, a := range allowed {
		if ext == a {
			return true
		}
	}
	return false
}

func claimedMatches(claimed, sniffed string) bool {
	if claimed == sniffed {
		return true
	}
	switch sniffed {
	case "application/zip":
		return strings.HasPrefix(claimed, "application/vnd.openxmlformats") || claimed == "application/x-zip-compressed" || claimed == "application/ofd"
	case "application/msword-or-ole":
		return claimed == "application/msword" || claimed == "application/vnd.ms-excel" || claimed == "application/vnd.ms-powerpoint"
	case "text/plain":
		return strings.HasPrefix(claimed, "text/")
	case "image/jpeg":
		return claimed == "image/jpg"
	}
	return false
}

// StoreUploads saves checked uploads in the database; uploadedBy is the
// uploading user's id (0 for none, e.g. a citizen).
func StoreUploads(tx *gorm.DB, uploadedBy int64, caseID int64, ownerType string, ownerID int64, internal bool, files []Upload) ([]int64, error) {
	var ids []int64
	for _, f := range files {
		sum := sha256.Sum256(f.Content)
		sf := &StoredFile{OwnerType: ownerType, OwnerID: ownerID, Filename: f.Filename, ContentType: f.ContentType,
			Size: int64(len(f.Content)), SHA256: hex.EncodeToString(sum[:]), Content: f.Content, Internal: internal}
		if caseID != 0 {
			cid := caseID
			sf.CaseID = &cid
		}
		if uploadedBy != 0 {
			uid := uploadedBy
			sf.UploadedBy = &uid
		}
		if err := tx.Create(sf).Error; err != nil {
			return nil, err
		}
		ids = append(ids, sf.ID)
	}
	return ids, nil
}

// FileMeta lists files of an owner without their content.
func FileMeta(tx *gorm.DB, ownerType string, ownerIDs []int64, includeInternal bool) ([]StoredFile, error) {
	var out []StoredFile
	if len(ownerIDs) == 0 {
		return out, nil
	}
	q := tx.Omit("content").Where("owner_type = ? AND owner_id IN ?", ownerType, ownerIDs)
	if !includeInternal {
		q = q.Where("internal = ?", false)
	}
	err := q.Order("id").Find(&out).Error
	return out, err
}

// StoredFile is an uploaded or generated file kept in the database so every
// replica can serve it.
type StoredFile struct {
	ID          int64  `gorm:"primaryKey" json:"id"`
	CaseID      *int64 `json:"case_id"`
	OwnerType   string `json:"owner_type"`
	OwnerID     int64  `json:"owner_id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `gorm:"column:sha256" json:"sha256"`
	// GeneratedSHA256 is SHA256 on a copy generated by the service (a
	// rendered document), NULL on uploads: the unique key (owner_type,
	// owner_id, generated_sha256) lets concurrent renderings store one copy.
	GeneratedSHA256 *string   `gorm:"column:generated_sha256" json:"-"`
	Content         []byte    `json:"-"`
	Internal        bool      `json:"internal"`
	UploadedBy      *int64    `json:"uploaded_by"`
	CreatedAt       time.Time `json:"created_at"`
}
