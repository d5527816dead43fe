using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Reporting.Server.Storage.Sqlite;

/// <summary>Every stored ciphertext in one file beside the database, each at a place drawn at random
/// (docs/DESIGN.md D6). A file per envelope would be born at its arrival (ext4 keeps a birth time no program
/// can set, and an inode change time), and inode numbers would follow arrival order; this one file is made
/// once, so its times show only its latest write, as the database's do, and neither inode numbers nor
/// places tell which envelope came first. The row says where an item is (<c>place</c>) and how long it is.
/// <para>Places are whole file-system blocks, and the file is sparse: what no item holds is a hole, costing
/// no disk. Writing is positional, so uploads write side by side; one fdatasync serves every write that
/// ended before it began. Erasing an item overwrites its bytes with zeros, syncs, then punches a hole,
/// which gives the blocks back to the file system. What lies outside every listed item (left by a crash
/// between writing and committing, or between a row's deletion and its erasure) is erased at start-up.</para></summary>
public sealed partial class CiphertextVolume : IDisposable
{
    public const string FileName = "ciphertext.volume";

    /// <summary>Items start on block boundaries, so erasing one never touches a neighbour's block.</summary>
    public const int Block = 4096;

    /// <summary>The span places are drawn from is at least this, and at least twice what is held, so a draw
    /// mostly lands in free space. Sparse: a larger span costs no disk, only a larger apparent file size.</summary>
    const long MinimumSpan = 64L << 20;

    /// <summary>Draws tried before the span grows.</summary>
    const int Draws = 8;

    const int BufferSize = 1 << 20;

    readonly FileStream _stream;
    readonly SafeFileHandle _file;
    readonly Lock _gate = new();
    /// <summary>Places held by items (stored, being written, or being read after their deletion), by start.</summary>
    readonly SortedSet<Extent> _held = new(Comparer<Extent>.Create((a, b) => a.Start.CompareTo(b.Start)));
    readonly Dictionary<long, int> _readers = [];
    readonly HashSet<long> _erasedWhenRead = [];
    long _span = MinimumSpan;

    sealed record Extent(long Start, long Length, string Owner)
    {
        public long End => Start + Length;
    }

    public CiphertextVolume(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        // Owner-only from creation. Shared like the database files, so that an operator's backup or search can read it.
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.ReadWrite, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        _stream = new FileStream(Path, options);
        _file = _stream.SafeFileHandle;
        KeepAccessTime();
    }

    public string Path { get; }

    internal SafeFileHandle Handle => _file;

    /// <summary>A place for a body still arriving (<see cref="Uploads.ISpoolSpace"/>), held under an owner of its own
    /// and erased, like any item, when the returned stream is disposed; a crash leaves it to the next start's
    /// <see cref="Settle"/>, which erases every place no row lists.</summary>
    public Stream Spool(long size)
    {
        var owner = "spool " + RandomId.New();
        return new VolumeSpool(this, owner, Allocate(owner, size), size);
    }

    public void Dispose() => _stream.Dispose();

    static long Blocks(long size) => (Math.Max(size, 1) + Block - 1) / Block * Block;

    /// <summary>At start-up, once the rows are settled: the places the rows list are the only ones held;
    /// everything else in the file is erased.</summary>
    public void Settle(IEnumerable<(string Id, long Place, long Size)> items)
    {
        lock (_gate)
        {
            _held.Clear();
            foreach (var (id, place, size) in items)
                _held.Add(new Extent(place, Blocks(size), id));
            var end = Math.Max(RandomAccess.GetLength(_file), _held.Count == 0 ? 0 : _held.Max!.End);
            _span = Math.Max(MinimumSpan, Math.Max(end, 2 * _held.Sum(e => e.Length)));
        }
        long from = 0;
        foreach (var extent in _held.ToList())
        {
            Erase(from, extent.Start);
            from = extent.End;
        }
        Erase(from, RandomAccess.GetLength(_file));
    }

    /// <summary>A free place for <paramref name="size"/> bytes of <paramref name="owner"/>, drawn at random and held
    /// until <see cref="Erase(string, long, long)"/>.</summary>
    public long Allocate(string owner, long size)
    {
        var length = Blocks(size);
        lock (_gate)
        {
            while (true)
            {
                var slots = (_span - length) / Block + 1;
                for (var draw = 0; slots > 0 && draw < Draws; draw++)
                {
                    var start = Draw(slots) * Block;
                    if (!IsFree(start, length))
                        continue;
                    _held.Add(new Extent(start, length, owner));
                    return start;
                }
                _span = Math.Max(2 * _span, _span + length);
            }
        }
    }

    /// <summary>A number below <paramref name="count"/>, uniformly enough (the bias of 64 bits taken modulo a
    /// count of blocks is below 2^-20).</summary>
    static long Draw(long count)
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return (long)(BitConverter.ToUInt64(bytes) % (ulong)count);
    }

    bool IsFree(long start, long length)
    {
        var before = _held.GetViewBetween(new Extent(long.MinValue, 0, ""), new Extent(start + length - 1, 0, "")).Max;
        return before is null || before.End <= start;
    }

    /// <summary>Writes exactly <paramref name="size"/> bytes of <paramref name="source"/> at <paramref name="place"/>
    /// and returns their SHA-256; durable after <see cref="SyncAsync"/>. Throws <see cref="ArgumentException"/>
    /// when the source is shorter or longer than declared (<see cref="DeclaredLength"/>); the caller then erases the place.</summary>
    public async Task<byte[]> WriteAsync(long place, Stream source, long size, CancellationToken cancellationToken = default)
    {
        // A body already in memory is written from its own buffer, in one call.
        if (source is MemoryStream memory && memory.TryGetBuffer(out var whole))
        {
            var remaining = whole.AsMemory((int)memory.Position);
            DeclaredLength.Check(remaining.Length, size, ended: true);
            RandomAccess.Write(_file, remaining.Span, place);
            memory.Position += remaining.Length;
            return SHA256.HashData(remaining.Span);
        }
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            while (true)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken);
                DeclaredLength.Check(total + read, size, ended: read == 0);
                if (read == 0)
                    return hasher.GetHashAndReset();
                hasher.AppendData(buffer, 0, read);
                await RandomAccess.WriteAsync(_file, buffer.AsMemory(0, read), place + total, cancellationToken);
                total += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Makes every write that ended before this call durable. Under load one fdatasync serves every
    /// upload waiting at that moment.</summary>
    public async Task SyncAsync()
    {
        var ticket = Interlocked.Increment(ref _syncsWanted);
        await _syncing.WaitAsync();
        try
        {
            if (Interlocked.Read(ref _syncedThrough) >= ticket)
                return; // a sync that began after this write ended has finished
            var through = Interlocked.Read(ref _syncsWanted);
            Sync();
            Interlocked.Exchange(ref _syncedThrough, through);
        }
        finally
        {
            _syncing.Release();
        }
    }

    readonly SemaphoreSlim _syncing = new(1, 1);
    long _syncsWanted;
    long _syncedThrough;

    void Sync()
    {
        if (OperatingSystem.IsLinux())
        {
            // The errno as the HResult, as .NET reports it on Unix: a full disk is recognised as such (StorageFull).
            if (Native.fdatasync(_file.DangerousGetHandle().ToInt32()) != 0)
                throw new IOException($"Cannot sync the ciphertext volume (errno {Marshal.GetLastPInvokeError()}).", Marshal.GetLastPInvokeError());
        }
        else
        {
            RandomAccess.FlushToDisk(_file);
        }
    }

    /// <summary>Whether <paramref name="place"/> holds exactly the bytes whose SHA-256 is <paramref name="sha256"/>.</summary>
    public bool Holds(long place, long size, byte[] sha256)
    {
        if (place < 0 || place + size > RandomAccess.GetLength(_file))
            return false;
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            for (long done = 0; done < size;)
            {
                var read = RandomAccess.Read(_file, buffer.AsSpan(0, (int)Math.Min(BufferSize, size - done)), place + done);
                if (read == 0)
                    return false;
                hasher.AppendData(buffer, 0, read);
                done += read;
            }
            return hasher.GetHashAndReset().AsSpan().SequenceEqual(sha256);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The item's bytes, or null when <paramref name="owner"/> no longer holds <paramref name="place"/>
    /// (deleted between the look-up and now). Its place is not erased or given to another item while this is
    /// open: a download never ends in zeros or in another envelope's bytes.</summary>
    public Stream? Open(string owner, long place, long size)
    {
        lock (_gate)
        {
            if (!_held.TryGetValue(new Extent(place, 0, ""), out var extent) || extent.Owner != owner || _erasedWhenRead.Contains(place))
                return null;
            _readers[place] = _readers.GetValueOrDefault(place) + 1;
        }
        return new VolumeItemStream(_file, place, size, () => Closed(place, size));
    }

    /// <summary>Opens the volume at <paramref name="path"/> for reading only, from another process (a backup):
    /// it holds no place, so nothing keeps an item from being erased while it is read; the caller checks
    /// afterwards that the item is still listed.</summary>
    public static FileStream OpenForReading(string path) =>
        new(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0 });

    /// <summary>The <paramref name="size"/> bytes at <paramref name="place"/> of a volume opened by
    /// <see cref="OpenForReading"/>; shorter where the file ends first.</summary>
    public static Stream Read(FileStream volume, long place, long size) => new VolumeItemStream(volume.SafeFileHandle, place, size, null);

    void Closed(long place, long size)
    {
        lock (_gate)
        {
            var left = _readers[place] - 1;
            if (left > 0)
            {
                _readers[place] = left;
                return;
            }
            _readers.Remove(place);
            if (!_erasedWhenRead.Remove(place))
                return;
        }
        EraseHeld(place, size);
    }

    /// <summary>Overwrites the item's bytes with zeros, syncs, frees its blocks and its place. While it is being
    /// read, that happens when the last reader is done. Best effort against the disk (see the threat model).</summary>
    public void Erase(string owner, long place, long size)
    {
        lock (_gate)
        {
            if (!_held.TryGetValue(new Extent(place, 0, ""), out var extent) || extent.Owner != owner)
                return;
            if (_readers.ContainsKey(place))
            {
                _erasedWhenRead.Add(place);
                return;
            }
        }
        EraseHeld(place, size);
    }

    void EraseHeld(long place, long size)
    {
        try
        {
            Erase(place, place + Blocks(size));
        }
        finally
        {
            // The place is given back only now, so no new item lands on bytes not yet erased; even when the
            // zeros could not be written (a full disk), the item is gone from every list, and the next start
            // erases its place again.
            lock (_gate)
                _held.Remove(new Extent(place, 0, ""));
        }
    }

    /// <summary>Zeros over the stored bytes in [<paramref name="from"/>, <paramref name="to"/>), then a hole. Only
    /// blocks that hold data are written (a hole needs no zeros, and on a full disk could not take them).</summary>
    void Erase(long from, long to)
    {
        // Zeros only up to the end of the file (writing past it would grow it); the hole over every block of the
        // place, so that a last block the file ends inside is freed whole, not zeroed and kept.
        var fileEnd = Math.Min(to, RandomAccess.GetLength(_file));
        if (from >= fileEnd)
            return;
        var written = false;
        var zeros = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            Array.Clear(zeros);
            foreach (var (start, end) in DataIn(from, fileEnd))
            {
                written = true;
                try
                {
                    for (var at = start; at < end; at += BufferSize)
                        RandomAccess.Write(_file, zeros.AsSpan(0, (int)Math.Min(BufferSize, end - at)), at);
                }
                catch (IOException)
                {
                    // No room even to overwrite (a copy-on-write file system needs new blocks): the hole still goes in.
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(zeros);
        }
        if (!written)
            return;
        Sync();
        // The blocks go back to the file system; where punching is not supported the zeros stay.
        if (OperatingSystem.IsLinux())
            Native.fallocate(_file.DangerousGetHandle().ToInt32(), Native.FallocKeepSize | Native.FallocPunchHole, from, to - from);
    }

    /// <summary>The stretches of [<paramref name="from"/>, <paramref name="to"/>) that hold data rather than a hole
    /// (Linux: SEEK_DATA and SEEK_HOLE; elsewhere the whole stretch).</summary>
    IEnumerable<(long, long)> DataIn(long from, long to)
    {
        if (!OperatingSystem.IsLinux())
        {
            yield return (from, to);
            yield break;
        }
        var fd = _file.DangerousGetHandle().ToInt32();
        for (var at = from; at < to;)
        {
            var data = Native.lseek(fd, at, Native.SeekData);
            if (data < 0 || data >= to)
                yield break; // ENXIO: nothing but a hole up to the end of the file
            var hole = Native.lseek(fd, data, Native.SeekHole);
            var end = hole < 0 ? to : Math.Min(hole, to);
            yield return (data, end);
            at = end;
        }
    }
}
