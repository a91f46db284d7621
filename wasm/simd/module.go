// Package simd gives the page's workers a faster loop for linalg's products than Go's compiler
// can write: Go's WebAssembly port emits no SIMD instructions, so every multiply-add costs one
// scalar instruction stream, where WebAssembly's 128-bit SIMD does four. The loop is one small
// function, assembled here byte by byte (Module), instantiated on the Go program's own memory and
// installed with linalg.Accelerate: it runs linalg.Axpys jobs in Axpy's order, lane by lane,
// so the bits are the same as Go's loops (and as the native trainer's). The worker instantiates
// the bytes kept in module_bytes.go, which a test holds equal to Module's.
package simd

// WebAssembly's binary encoding, as much of it as Module needs.
const (
	opBlock    = 0x02
	opLoop     = 0x03
	opEnd      = 0x0b
	opBr       = 0x0c
	opBrIf     = 0x0d
	opLocalGet = 0x20
	opLocalSet = 0x21
	opLocalTee = 0x22
	opI32Load  = 0x28
	opF32Load  = 0x2a
	opF32Store = 0x38
	opI32Const = 0x41
	opI32GeU   = 0x4f
	opI32LeU   = 0x4d
	opI32Eqz   = 0x45
	opIf       = 0x04
	opF32Const = 0x43
	opF32Eq    = 0x5b
	opI32Add   = 0x6a
	opI32Mul   = 0x6c
	opI32And   = 0x71
	opI32Shl   = 0x74
	opF32Add   = 0x92
	opF32Mul   = 0x94
	opSIMD     = 0xfd // prefix: the instruction's number follows as LEB128
	simdLoad   = 0x00
	simdStore  = 0x0b
	simdConst  = 0x0c // v128.const
	simdSplat  = 0x13 // f32x4.splat
	simdNe     = 0x42 // f32x4.ne
	simdAny    = 0x53 // v128.any_true
	simdAdd    = 0xe4 // f32x4.add
	simdMul    = 0xe6 // f32x4.mul
	typeI32    = 0x7f
	typeF32    = 0x7d
	typeV128   = 0x7b
	blockEmpty = 0x40
)

// The function's parameters (all i32; addresses in bytes, N, K and strides in floats) and locals.
const (
	pN = iota
	pRows
	pK
	pA
	pARow
	pX
	pXRow
	pXIdx
	pY
	pYRow
	pYIdx
	params
	lR = iota - 1 // i32 locals from here
	lQ
	lAR
	lXR
	lYR
	lXP
	lYP
	lJ
	lVecBytes
	lRowBytes
	lAddr
	i32Locals = iota - 1 - params
	lAV       = params + i32Locals // f32
	lVA       = lAV + 1            // v128: the coefficient in every lane
)

type asm []byte

func (b asm) op(codes ...byte) asm { return append(b, codes...) }

func (b asm) u32(v uint32) asm { // unsigned LEB128
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func (b asm) i32(v int32) asm { // i32.const v, signed LEB128
	b = append(b, opI32Const)
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func (b asm) get(l uint32) asm             { return b.op(opLocalGet).u32(l) }
func (b asm) set(l uint32) asm             { return b.op(opLocalSet).u32(l) }
func (b asm) tee(l uint32) asm             { return b.op(opLocalTee).u32(l) }
func (b asm) simd(code uint32) asm         { return b.op(opSIMD).u32(code) }
func (b asm) mem(align, offset uint32) asm { return b.u32(align).u32(offset) }

// elementAddress pushes base + index·stride·4.
func (b asm) elementAddress(base, index, stride uint32) asm {
	return b.get(base).get(index).get(stride).op(opI32Mul).i32(2).op(opI32Shl).op(opI32Add)
}

// section appends a section: its id, its size, its contents.
func section(b asm, id byte, contents asm) asm {
	return append(b.op(id).u32(uint32(len(contents))), contents...)
}

func name(b asm, s string) asm { return append(b.u32(uint32(len(s))), s...) }

// Module is a WebAssembly module that imports a memory as env.mem and exports add(x, y, n)
// (y[:n] += x[:n], linalg.Add) and axpys(n, rows, k, a, aRow, x, xRow, xIdx, y, yRow, yIdx), which
// carries out a linalg.Axpys job whose slices start at the byte addresses a, x and y of that
// memory: for each row r and each q < k whose coefficient a[r·aRow+q] is not 0,
//
//	y[r·yRow+q·yIdx:][:n] += a[r·aRow+q] · x[r·xRow+q·xIdx:][:n]
//
// four floats at a time, then one at a time; every element gets y + a·x, rounded once for the
// product and once for the sum, as Go's Axpy does.
func Module() []byte {
	var c asm
	// Bytes of the row, and of its part that whole vectors cover.
	c = c.get(pN).i32(2).op(opI32Shl).tee(lRowBytes).i32(-16).op(opI32And).set(lVecBytes)
	c = c.op(opBlock, blockEmpty, opLoop, blockEmpty) // rows
	c = c.get(lR).get(pRows).op(opI32GeU, opBrIf, 1)
	c = c.elementAddress(pA, lR, pARow).set(lAR)
	c = c.elementAddress(pX, lR, pXRow).set(lXR)
	c = c.elementAddress(pY, lR, pYRow).set(lYR)
	c = c.i32(0).set(lQ)
	c = c.op(opBlock, blockEmpty, opLoop, blockEmpty) // the row's coefficients
	c = c.get(lQ).get(pK).op(opI32GeU, opBrIf, 1)
	c = c.op(opBlock, blockEmpty) // skipped when the coefficient is 0
	// Four zero coefficients in a row (most of an MNIST row) are passed over at once.
	c = c.get(lQ).i32(4).op(opI32Add).get(pK).op(opI32LeU, opIf, blockEmpty)
	c = c.get(lAR).get(lQ).i32(2).op(opI32Shl).op(opI32Add).simd(simdLoad).mem(0, 0)
	c = c.simd(simdConst).op(make([]byte, 16)...).simd(simdNe).simd(simdAny).op(opI32Eqz, opIf, blockEmpty)
	c = c.get(lQ).i32(4).op(opI32Add).set(lQ)
	c = c.op(opBr, 3, opEnd, opEnd) // on to the next coefficients
	c = c.get(lAR).get(lQ).i32(2).op(opI32Shl).op(opI32Add).op(opF32Load).mem(2, 0).tee(lAV)
	c = c.op(opF32Const, 0, 0, 0, 0).op(opF32Eq, opBrIf, 0)
	c = c.get(lAV).simd(simdSplat).set(lVA)
	c = c.elementAddress(lXR, lQ, pXIdx).set(lXP)
	c = c.elementAddress(lYR, lQ, pYIdx).set(lYP)
	c = c.i32(0).set(lJ)
	c = c.op(opBlock, blockEmpty, opLoop, blockEmpty) // four at a time
	c = c.get(lJ).get(lVecBytes).op(opI32GeU, opBrIf, 1)
	c = c.get(lYP).get(lJ).op(opI32Add).tee(lAddr)
	c = c.get(lAddr).simd(simdLoad).mem(0, 0)
	c = c.get(lVA).get(lXP).get(lJ).op(opI32Add).simd(simdLoad).mem(0, 0).simd(simdMul)
	c = c.simd(simdAdd).simd(simdStore).mem(0, 0)
	c = c.get(lJ).i32(16).op(opI32Add).set(lJ)
	c = c.op(opBr, 0, opEnd, opEnd)
	c = c.op(opBlock, blockEmpty, opLoop, blockEmpty) // the rest, one at a time
	c = c.get(lJ).get(lRowBytes).op(opI32GeU, opBrIf, 1)
	c = c.get(lYP).get(lJ).op(opI32Add).tee(lAddr)
	c = c.get(lAddr).op(opF32Load).mem(2, 0)
	c = c.get(lAV).get(lXP).get(lJ).op(opI32Add).op(opF32Load).mem(2, 0).op(opF32Mul)
	c = c.op(opF32Add, opF32Store).mem(2, 0)
	c = c.get(lJ).i32(4).op(opI32Add).set(lJ)
	c = c.op(opBr, 0, opEnd, opEnd)
	c = c.op(opEnd) // the skip
	c = c.get(lQ).i32(1).op(opI32Add).set(lQ)
	c = c.op(opBr, 0, opEnd, opEnd)
	c = c.get(lR).i32(1).op(opI32Add).set(lR)
	c = c.op(opBr, 0, opEnd, opEnd)
	c = c.op(opEnd)

	var body asm
	body = body.u32(3).u32(i32Locals).op(typeI32).u32(1).op(typeF32).u32(1).op(typeV128)
	axpys := append(body, c...)

	m := asm{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}
	types := asm{}.u32(2).op(0x60).u32(params)
	for range params {
		types = types.op(typeI32)
	}
	types = types.u32(0).op(0x60).u32(addParams).op(typeI32, typeI32, typeI32).u32(0)
	m = section(m, 1, types)
	m = section(m, 2, name(name(asm{}.u32(1), "env"), "mem").op(0x02, 0x00).u32(0)) // memory, no minimum
	m = section(m, 3, asm{}.u32(2).u32(0).u32(1))
	m = section(m, 7, name(name(asm{}.u32(2), "axpys").op(0x00).u32(0), "add").op(0x00).u32(1))
	add := addBody()
	code := append(asm{}.u32(2).u32(uint32(len(axpys))), axpys...)
	code = append(code.u32(uint32(len(add))), add...)
	return section(m, 10, code)
}

// add(x, y, n)'s parameters and locals: y[:n] += x[:n], four floats at a time, then one at a time.
const (
	aX = iota
	aY
	aN
	addParams
	aJ = iota - 1
	aVecBytes
	aRowBytes
	aAddr
	addLocals = iota - 1 - addParams
)

func addBody() asm {
	var c asm
	c = c.get(aN).i32(2).op(opI32Shl).tee(aRowBytes).i32(-16).op(opI32And).set(aVecBytes)
	c = c.op(opBlock, blockEmpty, opLoop, blockEmpty)
	c = c.get(aJ).get(aVecBytes).op(opI32GeU, opBrIf, 1)
	c = c.get(aY).get(aJ).op(opI32Add).tee(aAddr)
	c = c.get(aAddr).simd(simdLoad).mem(0, 0)
	c = c.get(aX).get(aJ).op(opI32Add).simd(simdLoad).mem(0, 0)
	c = c.simd(simdAdd).simd(simdStore).mem(0, 0)
	c = c.get(aJ).i32(16).op(opI32Add).set(aJ)
	c = c.op(opBr, 0, opEnd, opEnd)
	c = c.op(opBlock, blockEmpty, opLoop, blockEmpty)
	c = c.get(aJ).get(aRowBytes).op(opI32GeU, opBrIf, 1)
	c = c.get(aY).get(aJ).op(opI32Add).tee(aAddr)
	c = c.get(aAddr).op(opF32Load).mem(2, 0)
	c = c.get(aX).get(aJ).op(opI32Add).op(opF32Load).mem(2, 0)
	c = c.op(opF32Add, opF32Store).mem(2, 0)
	c = c.get(aJ).i32(4).op(opI32Add).set(aJ)
	c = c.op(opBr, 0, opEnd, opEnd)
	c = c.op(opEnd)
	return append(asm{}.u32(1).u32(addLocals).op(typeI32), c...)
}
