package class

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func openDB(t *testing.T, path string) *sql.DB {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// The schema is versioned: a new file is brought to the last version, an up-to-date one is left
// as it is (its classes kept), and one from a newer program is refused with a sentence.
func TestMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	ctx := context.Background()
	// A database of the first version, as the first release left it, with a class in it.
	old := openDB(t, path)
	old.Exec(`CREATE TABLE schema_version (version INTEGER NOT NULL)`)
	for _, stmt := range migrations[0] {
		if _, err := old.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	old.Exec(`INSERT INTO schema_version (version) VALUES (1)`)
	old.Exec(`INSERT INTO classes (code, key_hash, opener, created, expires) VALUES ('ABC234', 'x', 'y', 0, 9e15)`)
	s, err := Open(ctx, openDB(t, path), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Info(ctx, "ABC234"); err != nil {
		t.Fatalf("the first version's class after migrating: %v", err)
	}
	if err := s.Miss(ctx, "10.0.0.9"); err != nil {
		t.Fatalf("the second version's table: %v", err)
	}
	o, err := s.Create(ctx, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t, path)
	s2, err := Open(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Info(ctx, o.Code); err != nil {
		t.Fatalf("the class opened before the second Open: %v", err)
	}
	var versions int
	db.QueryRow(`SELECT COUNT(*) FROM schema_version`).Scan(&versions)
	if versions != SchemaVersion {
		t.Fatalf("%d versions recorded, want %d", versions, SchemaVersion)
	}
	db.Exec(`INSERT INTO schema_version (version) VALUES (?)`, SchemaVersion+1)
	if _, err := Open(ctx, openDB(t, path), nil); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("a newer schema: %v", err)
	}
}

func TestNormaliseCode(t *testing.T) {
	for in, want := range map[string]string{
		"abc234": "ABC234", " ab c-234 ": "ABC234", "ABC23": "", "ABC2345": "", "ABC10O": "", "ÀBC234": "", "<b>ab": "",
	} {
		if got := NormaliseCode(in); got != want {
			t.Errorf("NormaliseCode(%q) = %q, want %q", in, got, want)
		}
	}
}
