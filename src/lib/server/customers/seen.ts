// The ids an import has already seen, to report duplicate ids within a file. A JS Set<string> of
// 1M ids costs about 60 MB of heap that every full GC has to trace, which made the 1M-row import
// either exceed 300 MB RSS or spend its time collecting under a heap limit. This set keeps the ids
// as UTF-8 bytes in one growing buffer with an open-addressing index in typed arrays: exact (bytes
// are compared, not just hashes), about 20 bytes per id for short ids, and invisible to the GC.

const encoder = new TextEncoder();

export class CompactStringSet {
	/** id bytes, each entry prefixed by its length (4 bytes, little-endian) */
	private arena = new Uint8Array(1 << 16);
	private used = 0;
	/** per slot: offset of the entry in the arena + 1, or 0 when the slot is empty */
	private slots = new Uint32Array(1 << 12);
	/** per slot: the entry's hash, to skip most byte comparisons */
	private hashes = new Uint32Array(1 << 12);
	private scratch = new Uint8Array(256);
	size = 0;

	/** Adds the string; false when it was already in the set. */
	add(value: string): boolean {
		const slot = this.locate(value);
		if (this.slots[slot] !== 0) return false;
		this.slots[slot] = this.append(this.len) + 1;
		this.hashes[slot] = this.hash;
		this.size++;
		// keep the index at most 70% full
		if (this.size * 10 > this.slots.length * 7) this.grow();
		return true;
	}

	has(value: string): boolean {
		return this.slots[this.locate(value)] !== 0;
	}

	// what locate() last encoded: its byte length (in scratch) and its hash
	private len = 0;
	private hash = 0;

	/** The slot holding value, or the empty slot where it would go (sets len and hash). */
	private locate(value: string): number {
		const len = (this.len = this.encode(value));
		const bytes = this.scratch;
		// FNV-1a over the bytes
		let h = 0x811c9dc5;
		for (let i = 0; i < len; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
		h = this.hash = h >>> 0;
		const mask = this.slots.length - 1;
		for (let slot = h & mask; ; slot = (slot + 1) & mask) {
			const at = this.slots[slot];
			if (at === 0 || (this.hashes[slot] === h && this.equals(at - 1, len))) return slot;
		}
	}

	/** Bytes held (arena and index), for diagnostics. */
	get bytes(): number {
		return this.arena.byteLength + this.slots.byteLength + this.hashes.byteLength;
	}

	/** UTF-8 of value into scratch (grown as needed); returns its length. */
	private encode(value: string): number {
		if (value.length * 3 > this.scratch.length)
			this.scratch = new Uint8Array(Math.max(value.length * 3, this.scratch.length * 2));
		return encoder.encodeInto(value, this.scratch).written;
	}

	private equals(offset: number, len: number): boolean {
		const a = this.arena;
		const stored = a[offset] | (a[offset + 1] << 8) | (a[offset + 2] << 16) | (a[offset + 3] << 24);
		if (stored !== len) return false;
		const start = offset + 4;
		const b = this.scratch;
		for (let i = 0; i < len; i++) if (a[start + i] !== b[i]) return false;
		return true;
	}

	private append(len: number): number {
		const need = this.used + 4 + len;
		if (need > this.arena.length) {
			let size = this.arena.length * 2;
			while (size < need) size *= 2;
			const next = new Uint8Array(size);
			next.set(this.arena.subarray(0, this.used));
			this.arena = next;
		}
		const offset = this.used;
		const a = this.arena;
		a[offset] = len & 0xff;
		a[offset + 1] = (len >>> 8) & 0xff;
		a[offset + 2] = (len >>> 16) & 0xff;
		a[offset + 3] = (len >>> 24) & 0xff;
		a.set(this.scratch.subarray(0, len), offset + 4);
		this.used = need;
		return offset;
	}

	private grow(): void {
		const oldSlots = this.slots;
		const oldHashes = this.hashes;
		this.slots = new Uint32Array(oldSlots.length * 2);
		this.hashes = new Uint32Array(oldSlots.length * 2);
		const mask = this.slots.length - 1;
		for (let i = 0; i < oldSlots.length; i++) {
			if (oldSlots[i] === 0) continue;
			let slot = oldHashes[i] & mask;
			while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
			this.slots[slot] = oldSlots[i];
			this.hashes[slot] = oldHashes[i];
		}
	}
}
