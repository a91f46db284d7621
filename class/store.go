// Package class keeps a classroom's drawings: a teacher opens a class, students' phones join it
// with its code and send the digits they draw, and the teacher's projector reads them all. It is
// storage and rules only (database/sql, one schema and one set of queries for SQLite locally and
// Cloudflare D1 at the edge); the HTTP routes are package api's, the reading core/mnist's.
//
// Nothing about a student is kept beyond a drawing's strokes, the digit asked (or said), the
// network's reading, the device's random colour+animal and the time.
package class

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
)

// Limits, each with its sentence where it is met.
const (
	// Lifetime is how long a class lasts unless closed sooner.
	Lifetime = 24 * time.Hour
	// MaxDrawings is how many drawings one class keeps.
	MaxDrawings = 3000
	// MaxDevices is how many phones may join one class.
	MaxDevices = 400
	// DrawingsPerDeviceMinute is how many drawings one phone may send in a minute.
	DrawingsPerDeviceMinute = 20
	// ClassesPerAddressHour is how many classes one address may open in an hour.
	ClassesPerAddressHour = 10
	// MaxStrokes and MaxPoints bound a drawing; coordinates are pad pixels, 0 to PadSide.
	MaxStrokes = 40
	MaxPoints  = 3000
	// MaxModelBytes bounds a taught model the teacher hands the class (the pad's conv net is
	// 0.9 MB).
	MaxModelBytes = 2 << 20
)

// Any is the digit asked when students draw any digit and say which.
const Any = -1

// Errors a person can act on; package api gives each its status.
var (
	ErrNoClass      = errors.New("no class has this code: check the code on the projector")
	ErrEnded        = errors.New("this class has ended: ask your teacher for the new code")
	ErrWrongKey     = errors.New("this is not the teacher's key for this class")
	ErrNoDevice     = errors.New("this phone has not joined this class: join it again with the code")
	ErrFull         = fmt.Errorf("this class has its %d drawings: the teacher can hide some or open a new class", MaxDrawings)
	ErrRoomFull     = fmt.Errorf("this class has its %d phones", MaxDevices)
	ErrTooFast      = fmt.Errorf("one phone may send %d drawings a minute: wait a little", DrawingsPerDeviceMinute)
	ErrTooMany      = fmt.Errorf("one address may open %d classes an hour", ClassesPerAddressHour)
	ErrNoSuchDigit  = errors.New("no such drawing in this class")
	ErrEmptyDrawing = errors.New("the drawing is empty: draw the digit first")
)

// Invalid is a request that cannot be kept as it is (a drawing off the pad, a digit that is none).
type Invalid struct{ Reason string }

func (e *Invalid) Error() string { return e.Reason }

func invalid(format string, args ...any) error { return &Invalid{fmt.Sprintf(format, args...)} }

// Store is the classes in a database.
type Store struct {
	db  *sql.DB
	now func() time.Time
	// migrated is set once the schema is up to date: at the edge the database can only be
	// reached while a request is being answered, so New leaves it to the first use.
	mu       sync.Mutex
	migrated bool
}

// migrations are the schema's versions, in order: each a list of statements (one statement a
// call, as D1 wants). A database is brought to the last version when opened.
var migrations = [][]string{
	{ // 1
		`CREATE TABLE IF NOT EXISTS classes (
			code TEXT PRIMARY KEY,
			key_hash TEXT NOT NULL,
			opener TEXT NOT NULL,
			created INTEGER NOT NULL,
			expires INTEGER NOT NULL,
			asked INTEGER NOT NULL DEFAULT -1,
			model BLOB,
			model_version INTEGER NOT NULL DEFAULT 0
		)`,
		`CREATE INDEX IF NOT EXISTS classes_opener ON classes (opener, created)`,
		`CREATE INDEX IF NOT EXISTS classes_expires ON classes (expires)`,
		`CREATE TABLE IF NOT EXISTS devices (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			class TEXT NOT NULL,
			token_hash TEXT NOT NULL UNIQUE,
			name TEXT NOT NULL,
			colour TEXT NOT NULL,
			created INTEGER NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS devices_class ON devices (class)`,
		`CREATE TABLE IF NOT EXISTS drawings (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			class TEXT NOT NULL,
			device INTEGER NOT NULL,
			client TEXT NOT NULL,
			asked INTEGER NOT NULL,
			said INTEGER NOT NULL,
			strokes TEXT NOT NULL,
			digit INTEGER NOT NULL,
			outputs TEXT NOT NULL,
			hidden INTEGER NOT NULL DEFAULT 0,
			seq INTEGER NOT NULL,
			created INTEGER NOT NULL,
			UNIQUE (device, client)
		)`,
		`CREATE INDEX IF NOT EXISTS drawings_class_seq ON drawings (class, seq)`,
		`CREATE INDEX IF NOT EXISTS drawings_device_created ON drawings (device, created)`,
	},
	{ // 2: wrong codes by address (a hash of it), so that every instance at the edge counts them
		`CREATE TABLE IF NOT EXISTS misses (address TEXT NOT NULL, at INTEGER NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS misses_address_at ON misses (address, at)`,
	},
}

// SchemaVersion is the version Open brings a database to.
var SchemaVersion = len(migrations)

// Open brings db's schema up to date and returns the store. now is the clock (nil: time.Now).
func Open(ctx context.Context, db *sql.DB, now func() time.Time) (*Store, error) {
	s := New(db, now)
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// New is a store whose schema is brought up to date when first used.
func New(db *sql.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now}
}

func (s *Store) ready(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.migrated {
		return nil
	}
	if err := migrate(ctx, s.db); err != nil {
		return err
	}
	s.migrated = true
	return nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("the class database cannot be used: %w", err)
	}
	var version int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&version); err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("the class database is at schema version %d, newer than this program's %d", version, len(migrations))
	}
	for v := version; v < len(migrations); v++ {
		for _, stmt := range migrations[v] {
			if _, err := db.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migrating the class database to version %d: %w", v+1, err)
			}
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, v+1); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) ms() int64 { return s.now().UnixMilli() }

// Opened is a new class: its code for the students and the teacher's key (shown once, kept in
// the teacher's browser; the store keeps only its hash).
type Opened struct {
	Code    string `json:"code"`
	Key     string `json:"key"`
	Expires int64  `json:"expires"` // Unix milliseconds
}

// codeAlphabet has no 0/O, 1/I/L: a code is read off a projector and typed on a phone.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// CodeLength is a join code's length: 31⁶ ≈ 887 million codes.
const CodeLength = 6

// NormaliseCode makes what a student typed into a code (upper case, no spaces or dashes), or ""
// where it cannot be one.
func NormaliseCode(s string) string {
	s = strings.NewReplacer(" ", "", "-", "").Replace(strings.ToUpper(strings.TrimSpace(s)))
	if len(s) != CodeLength {
		return ""
	}
	for _, c := range s {
		if !strings.ContainsRune(codeAlphabet, c) {
			return ""
		}
	}
	return s
}

func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// randomToken is 128 random bits in hex.
func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func hashOf(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Create opens a class for the client at opener (an address key; kept only to count the classes
// it opens in an hour).
func (s *Store) Create(ctx context.Context, opener string) (Opened, error) {
	if err := s.ready(ctx); err != nil {
		return Opened{}, err
	}
	now := s.ms()
	if err := s.sweep(ctx, now); err != nil {
		return Opened{}, err
	}
	openerHash := hashOf("opener " + opener)
	var recent int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM classes WHERE opener = ? AND created > ?`,
		openerHash, now-time.Hour.Milliseconds()).Scan(&recent); err != nil {
		return Opened{}, err
	}
	if recent >= ClassesPerAddressHour {
		return Opened{}, ErrTooMany
	}
	key := randomToken()
	o := Opened{Key: key, Expires: now + Lifetime.Milliseconds()}
	for range 8 { // a code already in use (about never): draw another
		o.Code = randomString(codeAlphabet, CodeLength)
		res, err := s.db.ExecContext(ctx, `INSERT INTO classes (code, key_hash, opener, created, expires) VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING`,
			o.Code, hashOf(key), openerHash, now, o.Expires)
		if err != nil {
			return Opened{}, err
		}
		if n, err := res.RowsAffected(); err == nil && n == 1 {
			return o, nil
		}
	}
	return Opened{}, errors.New("no free class code was found: try again")
}

// Sweep deletes everything of the classes past their time (opening a class sweeps too).
func (s *Store) Sweep(ctx context.Context) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	return s.sweep(ctx, s.ms())
}

// sweep deletes everything of the classes past their time. A class's row stays a day longer,
// holding nothing of anybody, so that its code says "ended" rather than "no such class".
func (s *Store) sweep(ctx context.Context, now int64) error {
	for _, q := range []struct {
		sql string
		at  int64
	}{
		{`DELETE FROM drawings WHERE class IN (SELECT code FROM classes WHERE expires <= ?)`, now},
		{`DELETE FROM devices WHERE class IN (SELECT code FROM classes WHERE expires <= ?)`, now},
		{`UPDATE classes SET model = NULL WHERE expires <= ? AND model IS NOT NULL`, now},
		{`DELETE FROM classes WHERE expires <= ?`, now - Lifetime.Milliseconds()},
		{`DELETE FROM misses WHERE at <= ?`, now - time.Hour.Milliseconds()},
	} {
		if _, err := s.db.ExecContext(ctx, q.sql, q.at); err != nil {
			return err
		}
	}
	return nil
}

// Info is what anyone with the code sees of a class.
type Info struct {
	Code    string `json:"code"`
	Asked   int    `json:"asked"` // the digit to draw, or Any
	Expires int64  `json:"expires"`
	// ModelVersion counts the models the class has been taught (0: the shipped reader).
	ModelVersion int `json:"modelVersion"`
}

type classRow struct {
	Info
	keyHash string
}

func (s *Store) class(ctx context.Context, code string) (classRow, error) {
	var c classRow
	if err := s.ready(ctx); err != nil {
		return c, err
	}
	err := s.db.QueryRowContext(ctx, `SELECT code, key_hash, asked, expires, model_version FROM classes WHERE code = ?`, code).
		Scan(&c.Code, &c.keyHash, &c.Asked, &c.Expires, &c.ModelVersion)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNoClass
	}
	if err != nil {
		return c, err
	}
	if c.Expires <= s.ms() {
		return c, ErrEnded
	}
	return c, nil
}

// Info is the class with this code, or ErrNoClass, or ErrEnded.
func (s *Store) Info(ctx context.Context, code string) (Info, error) {
	c, err := s.class(ctx, code)
	return c.Info, err
}

// Teacher checks the teacher's key for the class.
func (s *Store) Teacher(ctx context.Context, code, key string) (Info, error) {
	c, err := s.class(ctx, code)
	if err != nil {
		return c.Info, err
	}
	// Compared as hashes: equal length, and the key itself is never kept.
	if key == "" || hashOf(key) != c.keyHash {
		return c.Info, ErrWrongKey
	}
	return c.Info, nil
}

// Ask sets the digit the class draws (Any: any digit, each student says which).
func (s *Store) Ask(ctx context.Context, code string, digit int) error {
	if digit < Any || digit > 9 {
		return invalid("the digit asked is 0 to 9, or %d for any digit, not %d", Any, digit)
	}
	_, err := s.db.ExecContext(ctx, `UPDATE classes SET asked = ? WHERE code = ?`, digit, code)
	return err
}

// Miss records a wrong class code from an address (kept as a hash, for an hour at most).
func (s *Store) Miss(ctx context.Context, address string) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO misses (address, at) VALUES (?, ?)`, hashOf("miss "+address), s.ms())
	return err
}

// MissWait is how long an address must wait after allowed wrong codes within window: until its
// allowed-th latest one is older than window (0: it may go on).
func (s *Store) MissWait(ctx context.Context, address string, allowed int, window time.Duration) (time.Duration, error) {
	if err := s.ready(ctx); err != nil {
		return 0, err
	}
	now := s.ms()
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT at FROM misses WHERE address = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?`,
		hashOf("miss "+address), now-window.Milliseconds(), allowed-1).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return time.Duration(at+window.Milliseconds()-now) * time.Millisecond, nil
}

// Phones is how many phones have joined the class.
func (s *Store) Phones(ctx context.Context, code string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM devices WHERE class = ?`, code).Scan(&n)
	return n, err
}

// Device is a phone in a class: its secret token (the phone's alone) and the name the class sees.
type Device struct {
	Token  string `json:"device,omitempty"`
	Name   string `json:"name"`
	Colour string `json:"colour"`
}

// colours are the phones' colours (no red: the projector marks misread digits in red).
var colours = []struct{ name, hex string }{
	{"olive", "#6b7f1a"}, {"orange", "#e6770b"}, {"gold", "#b8860b"}, {"green", "#2ca02c"},
	{"teal", "#138d90"}, {"blue", "#1f77b4"}, {"purple", "#7b4fb8"}, {"pink", "#d6409f"},
	{"brown", "#8c564b"}, {"grey", "#6b6b6b"}, {"navy", "#27408b"}, {"lime", "#5c9e00"},
}

var animals = strings.Fields(`otter fox owl panda tiger koala zebra whale lynx heron bison gecko
	llama moose puffin seal badger camel dingo eagle ferret hare ibis jaguar lemur newt orca quail
	raven sloth tapir walrus yak wombat`)

// Join adds a phone to the class, with a colour+animal no other phone of the class has while
// there are any left.
func (s *Store) Join(ctx context.Context, code string) (Device, error) {
	if _, err := s.class(ctx, code); err != nil {
		return Device{}, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM devices WHERE class = ?`, code)
	if err != nil {
		return Device{}, err
	}
	taken := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return Device{}, err
		}
		taken[n] = true
	}
	rows.Close()
	if len(taken) >= MaxDevices {
		return Device{}, ErrRoomFull
	}
	var free []int
	for i := range len(colours) * len(animals) {
		if !taken[colours[i%len(colours)].name+" "+animals[i/len(colours)]] {
			free = append(free, i)
		}
	}
	pick := randomIndex(len(colours) * len(animals))
	if len(free) > 0 {
		pick = free[randomIndex(len(free))]
	}
	c, a := colours[pick%len(colours)], animals[pick/len(colours)]
	d := Device{Token: randomToken(), Name: c.name + " " + a, Colour: c.hex}
	_, err = s.db.ExecContext(ctx, `INSERT INTO devices (class, token_hash, name, colour, created) VALUES (?, ?, ?, ?, ?)`,
		code, hashOf(d.Token), d.Name, d.Colour, s.ms())
	return d, err
}

func randomIndex(n int) int {
	var b [8]byte
	rand.Read(b[:])
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return int(v % uint64(n))
}

type deviceRow struct {
	id int64
	Device
}

// device is the class's phone with this token.
func (s *Store) device(ctx context.Context, code, token string) (deviceRow, error) {
	var d deviceRow
	err := s.db.QueryRowContext(ctx, `SELECT id, name, colour FROM devices WHERE token_hash = ? AND class = ?`, hashOf(token), code).
		Scan(&d.id, &d.Name, &d.Colour)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNoDevice
	}
	return d, err
}

// Point is a pad position in pixels (0 to PadSide), x right, y down.
type Point = [2]float64

// CheckStrokes says what is wrong with a drawing's strokes, before anything is kept or read.
func CheckStrokes(strokes [][]Point, padSide float64) error {
	if len(strokes) > MaxStrokes {
		return invalid("a drawing has at most %d strokes, not %d", MaxStrokes, len(strokes))
	}
	points := 0
	for _, st := range strokes {
		points += len(st)
		if points > MaxPoints {
			return invalid("a drawing has at most %d points", MaxPoints)
		}
		for _, p := range st {
			for _, v := range p {
				if math.IsNaN(v) || v < 0 || v > padSide {
					return invalid("a point of the drawing is off the pad (0 to %g)", padSide)
				}
			}
		}
	}
	if points == 0 {
		return ErrEmptyDrawing
	}
	return nil
}

// Drawing is one student's digit as the class sees it.
type Drawing struct {
	ID      int64     `json:"id"`
	Seq     int64     `json:"seq"`
	Client  string    `json:"client"` // the phone's own id for it (a resend is the same drawing)
	Name    string    `json:"name"`
	Colour  string    `json:"colour"`
	Asked   int       `json:"asked"`
	Said    int       `json:"said"`  // for Any: the digit the student says it is; else Asked
	Digit   int       `json:"digit"` // the network's reading
	Outputs []float32 `json:"outputs"`
	Strokes [][]Point `json:"strokes,omitempty"`
	Hidden  bool      `json:"hidden,omitempty"`
	Time    int64     `json:"time"`
}

// Label is the digit the drawing is meant to be.
func (d Drawing) Label() int { return d.Said }

// Right says whether the network read it as meant.
func (d Drawing) Right() bool { return d.Digit == d.Said }

// Sent is a drawing as a phone sends it, and the class's reader's reading of it.
type Sent struct {
	Client  string
	Asked   int
	Said    int
	Strokes [][]Point
	Digit   int
	Outputs []float32
}

// Add keeps a phone's drawing, read by read (called only once every limit has let it through:
// reading is a drawing's dearest part). The same client id from the same phone is the same
// drawing: a resend after a lost answer returns the first one, unchanged.
func (s *Store) Add(ctx context.Context, code, token string, d Sent, read func() (digit int, outputs []float32, err error)) (Drawing, error) {
	if _, err := s.class(ctx, code); err != nil {
		return Drawing{}, err
	}
	dev, err := s.device(ctx, code, token)
	if err != nil {
		return Drawing{}, err
	}
	if d.Client == "" || len(d.Client) > 64 {
		return Drawing{}, invalid("a drawing needs its phone's id for it (1 to 64 characters)")
	}
	if old, err := s.drawingBy(ctx, dev.id, d.Client); err == nil {
		return old, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return Drawing{}, err
	}
	now := s.ms()
	var count, recent int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM drawings WHERE class = ?`, code).Scan(&count); err != nil {
		return Drawing{}, err
	}
	if count >= MaxDrawings {
		return Drawing{}, ErrFull
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM drawings WHERE device = ? AND created > ?`, dev.id, now-time.Minute.Milliseconds()).Scan(&recent); err != nil {
		return Drawing{}, err
	}
	if recent >= DrawingsPerDeviceMinute {
		return Drawing{}, ErrTooFast
	}
	if read != nil {
		if d.Digit, d.Outputs, err = read(); err != nil {
			return Drawing{}, err
		}
	}
	strokes, _ := json.Marshal(d.Strokes)
	outputs, _ := json.Marshal(d.Outputs)
	// seq orders every change a projector must see; taken in the insert itself, so two phones
	// sending at once never share one or leave a gap a projector could read past.
	_, err = s.db.ExecContext(ctx, `INSERT INTO drawings (class, device, client, asked, said, strokes, digit, outputs, seq, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM drawings WHERE class = ?), ?)
		ON CONFLICT (device, client) DO NOTHING`,
		code, dev.id, d.Client, d.Asked, d.Said, string(strokes), d.Digit, string(outputs), code, now)
	if err != nil {
		return Drawing{}, err
	}
	return s.drawingBy(ctx, dev.id, d.Client)
}

const drawingColumns = `d.id, d.seq, d.client, v.name, v.colour, d.asked, d.said, d.digit, d.outputs, d.strokes, d.hidden, d.created`

func scanDrawing(scan func(...any) error, withStrokes bool) (Drawing, error) {
	var d Drawing
	var outputs, strokes string
	var hidden int
	if err := scan(&d.ID, &d.Seq, &d.Client, &d.Name, &d.Colour, &d.Asked, &d.Said, &d.Digit, &outputs, &strokes, &hidden, &d.Time); err != nil {
		return d, err
	}
	d.Hidden = hidden != 0
	if err := json.Unmarshal([]byte(outputs), &d.Outputs); err != nil {
		return d, err
	}
	if withStrokes && !d.Hidden {
		if err := json.Unmarshal([]byte(strokes), &d.Strokes); err != nil {
			return d, err
		}
	}
	return d, nil
}

func (s *Store) drawingBy(ctx context.Context, device int64, client string) (Drawing, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+drawingColumns+` FROM drawings d JOIN devices v ON v.id = d.device WHERE d.device = ? AND d.client = ?`, device, client)
	return scanDrawing(row.Scan, false)
}

// Changes are the class's drawings changed after seq (new ones, and hidden ones without their
// strokes), in order, at most limit; the teacher's projector asks with the last seq it saw.
func (s *Store) Changes(ctx context.Context, code string, after int64, limit int) ([]Drawing, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+drawingColumns+` FROM drawings d JOIN devices v ON v.id = d.device
		WHERE d.class = ? AND d.seq > ? ORDER BY d.seq LIMIT ?`, code, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []Drawing{}
	for rows.Next() {
		d, err := scanDrawing(rows.Scan, true)
		if err != nil {
			return nil, err
		}
		list = append(list, d)
	}
	return list, rows.Err()
}

// Mine are one phone's drawings, the hidden ones left out, the latest first.
func (s *Store) Mine(ctx context.Context, code, token string) (Device, []Drawing, error) {
	if _, err := s.class(ctx, code); err != nil {
		return Device{}, nil, err
	}
	dev, err := s.device(ctx, code, token)
	if err != nil {
		return Device{}, nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+drawingColumns+` FROM drawings d JOIN devices v ON v.id = d.device
		WHERE d.device = ? AND d.hidden = 0 ORDER BY d.id DESC LIMIT 200`, dev.id)
	if err != nil {
		return Device{}, nil, err
	}
	defer rows.Close()
	list := []Drawing{}
	for rows.Next() {
		d, err := scanDrawing(rows.Scan, false)
		if err != nil {
			return Device{}, nil, err
		}
		list = append(list, d)
	}
	return dev.Device, list, rows.Err()
}

// Hide hides a drawing from every screen for good: its strokes are deleted, and the change gets a
// new seq so every projector hears of it.
func (s *Store) Hide(ctx context.Context, code string, id int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE drawings SET hidden = 1, strokes = '[]',
		seq = (SELECT MAX(seq) + 1 FROM drawings WHERE class = ?) WHERE class = ? AND id = ? AND hidden = 0`, code, code, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		var exists int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM drawings WHERE class = ? AND id = ?`, code, id).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return ErrNoSuchDigit
		}
	}
	return nil
}

// All are the class's drawings not hidden, oldest first, with their strokes (for export and for
// teaching the reader).
func (s *Store) All(ctx context.Context, code string) ([]Drawing, error) {
	all, err := s.Changes(ctx, code, 0, MaxDrawings+1)
	if err != nil {
		return nil, err
	}
	shown := all[:0]
	for _, d := range all {
		if !d.Hidden {
			shown = append(shown, d)
		}
	}
	return shown, nil
}

// SetModel gives the class a reader taught on its handwriting; the version counts them.
func (s *Store) SetModel(ctx context.Context, code string, model []byte) (int, error) {
	if _, err := s.db.ExecContext(ctx, `UPDATE classes SET model = ?, model_version = model_version + 1 WHERE code = ?`, model, code); err != nil {
		return 0, err
	}
	c, err := s.class(ctx, code)
	return c.ModelVersion, err
}

// Model is the class's taught reader (nil: none yet) and its version.
func (s *Store) Model(ctx context.Context, code string) ([]byte, int, error) {
	var model []byte
	var version int
	err := s.db.QueryRowContext(ctx, `SELECT model, model_version FROM classes WHERE code = ?`, code).Scan(&model, &version)
	return model, version, err
}

// Close ends the class now and deletes everything of it (its code says "ended" for a day).
func (s *Store) Close(ctx context.Context, code string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE classes SET expires = ?, model = NULL WHERE code = ?`, s.ms(), code); err != nil {
		return err
	}
	return s.sweep(ctx, s.ms())
}
