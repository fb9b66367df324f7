using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FileCache.Sources;

/// <summary>
/// The Linux system calls behind a miss, called directly: the framework's file APIs cannot tell a named pipe or a
/// device from a regular file before opening it (and opening a pipe blocks until a writer comes), and they spend
/// several calls and allocations per path component on the symbolic-link check. Here a read is: one <c>statx</c> of
/// the path (its type, before anything is opened; its length, last-write time and inode are the "before" version),
/// one <c>openat2</c> beneath the root with <c>RESOLVE_BENEATH</c> (the kernel refuses any resolution that leaves it,
/// links included, with no window between a check and the open) and <c>O_NONBLOCK</c> (a pipe swapped in after the
/// check cannot block), one <c>preadv</c> for the bytes and a probe byte past the end, one <c>statx</c> of the handle
/// (type again, and the "after" version: the same inode, length and last-write time, or the read is retried).
/// </summary>
internal static unsafe partial class LinuxFile
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const int AtNoAutomount = 0x800;
    private const uint StatxType = 0x1;
    private const uint StatxMtime = 0x40;
    private const uint StatxIno = 0x100;
    private const uint StatxSize = 0x200;
    private const uint StatxVersion = StatxType | StatxMtime | StatxIno | StatxSize;
    private const int ORdonly = 0;
    private const int ONoctty = 0x100;
    private const int ONonblock = 0x800;
    private const int OCloexec = 0x80000;
    private const int OPath = 0x200000;
    private const ulong ResolveNoMagicLinks = 0x02;
    private const ulong ResolveBeneath = 0x08;
    private const long SysOpenat2 = 437; // the same number on every architecture since Linux 5.6
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    private const int EPerm = 1;
    private const int ENoent = 2;
    private const int EIntr = 4;
    private const int ENxio = 6;
    private const int EAcces = 13;
    private const int EXdev = 18;
    private const int ENotdir = 20;
    private const int EInval = 22;
    private const int ENosys = 38;
    private const int ELoop = 40;

    private static int s_openat2; // 0 unknown, 1 works, -1 unavailable (old kernel or a seccomp filter)

    /// <summary>True on Linux on x64 and Arm64, where the structures and numbers used here are known, with a C library that has <c>statx</c>.</summary>
    public static bool IsSupported { get; } = Probe();

    /// <summary>
    /// Opens <paramref name="fullPath"/> for reading if it is a regular file under <paramref name="root"/>; a path of any
    /// other type gets an <see cref="IOException"/> naming what it is, before it is opened. Returns null when a link on
    /// the way leaves the root lexically (an absolute link, or one through <c>..</c>) or when <c>openat2</c> is not
    /// available: the caller then checks the links itself and opens with <see cref="OpenNonBlocking"/>.
    /// </summary>
    /// <param name="fullPath">The file.</param>
    /// <param name="root">The project's root.</param>
    /// <param name="seen">The file's state by its path, just before the open: the read's "before" version once the handle's own state after the read shows the same file (inode) unchanged.</param>
    public static SafeFileHandle? TryOpenBeneath(string fullPath, string root, out FileState seen)
    {
        string relative = fullPath[(root.EndsWith('/') ? root.Length : root.Length + 1)..];
        int rootFd = Open(root, OPath | OCloexec);
        if (rootFd < 0)
        {
            throw Error(Marshal.GetLastPInvokeError(), fullPath);
        }

        try
        {
            // The type first, by the path: a pipe or a device is never opened (opening a device can have effects).
            seen = Stat(rootFd, relative, 0, fullPath);
            if (Volatile.Read(ref s_openat2) < 0)
            {
                return null;
            }

            var how = new OpenHow { Flags = ORdonly | ONonblock | ONoctty | OCloexec, Resolve = ResolveBeneath | ResolveNoMagicLinks };
            long fd;
            int errno;
            do
            {
                fd = syscall(SysOpenat2, rootFd, relative, &how, (nuint)sizeof(OpenHow));
                errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
            }
            while (errno == EIntr);

            if (fd >= 0)
            {
                Volatile.Write(ref s_openat2, 1);
                return new SafeFileHandle((nint)fd, ownsHandle: true);
            }

            if (errno is ENosys or EPerm || (errno == EInval && Volatile.Read(ref s_openat2) == 0))
            {
                Volatile.Write(ref s_openat2, -1);
                return null;
            }

            return errno == EXdev ? null : throw Error(errno, fullPath);
        }
        finally
        {
            _ = close(rootFd);
        }
    }

    /// <summary>Opens a path (already checked by the caller) without blocking on a pipe, and checks its type.</summary>
    public static SafeFileHandle OpenNonBlocking(string fullPath, out FileState seen)
    {
        seen = Stat(AtFdCwd, fullPath, 0, fullPath);
        int fd = Open(fullPath, ORdonly | ONonblock | ONoctty | OCloexec);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw Error(Marshal.GetLastPInvokeError(), fullPath);
    }

    /// <summary>The state of an open file (one <c>statx</c>), which must still be a regular file.</summary>
    public static FileState GetState(SafeFileHandle handle, string fullPath)
    {
        Statx status;
        int result;
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            do
            {
                result = statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, StatxVersion, &status);
            }
            while (result < 0 && Marshal.GetLastPInvokeError() == EIntr);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return result == 0 ? ToState(in status, fullPath) : throw Error(Marshal.GetLastPInvokeError(), fullPath);
    }

    /// <summary>
    /// Reads into <paramref name="content"/> from <paramref name="offset"/> with one probe byte past its end in the same
    /// call. Returns the bytes placed in <paramref name="content"/>; <paramref name="grew"/> is set when the probe byte
    /// was read too (the file holds more than its length said).
    /// </summary>
    public static int ReadWithProbe(SafeFileHandle handle, byte[] content, int offset, string fullPath, out bool grew)
    {
        byte probe = 0;
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            fixed (byte* start = content)
            {
                var vectors = stackalloc IoVec[2];
                vectors[0] = new IoVec { Base = start + offset, Length = (nuint)(content.Length - offset) };
                vectors[1] = new IoVec { Base = &probe, Length = 1 };
                nint n;
                do
                {
                    n = preadv((int)handle.DangerousGetHandle(), vectors, 2, offset);
                }
                while (n < 0 && Marshal.GetLastPInvokeError() == EIntr);

                if (n < 0)
                {
                    throw Error(Marshal.GetLastPInvokeError(), fullPath);
                }

                int wanted = content.Length - offset;
                grew = n > wanted;
                return (int)Math.Min(n, wanted);
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            return false;
        }

        try
        {
            Statx status;
            return statx(AtFdCwd, "/", 0, StatxType, &status) == 0 && (status.Mode & FileTypeMask) == 0x4000;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // an older or different C library: the framework's APIs do the reading
        }
    }

    private static FileState Stat(int directoryFd, string path, int flags, string fullPath)
    {
        Statx status;
        int result;
        do
        {
            result = statx(directoryFd, path, flags | AtNoAutomount, StatxVersion, &status);
        }
        while (result < 0 && Marshal.GetLastPInvokeError() == EIntr);

        return result == 0 ? ToState(in status, fullPath) : throw Error(Marshal.GetLastPInvokeError(), fullPath);
    }

    private static FileState ToState(in Statx status, string fullPath)
    {
        EnsureRegular(status.Mode, fullPath);

        // The same instant the framework's FileInfo.LastWriteTimeUtc reports (whole ticks), so the two compare equal.
        var written = DateTimeOffset.FromUnixTimeSeconds(status.MtimeSeconds).AddTicks(status.MtimeNanoseconds / 100);
        return new FileState(new FileVersion((long)status.Size, written), status.Inode, ((ulong)status.DeviceMajor << 32) | status.DeviceMinor);
    }

    private static void EnsureRegular(int mode, string fullPath)
    {
        if ((mode & FileTypeMask) == RegularFile)
        {
            return;
        }

        string what = (mode & FileTypeMask) switch
        {
            0x4000 => "a directory",
            0x1000 => "a named pipe (FIFO)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            0xA000 => "a symbolic link",
            _ => "not a regular file",
        };
        throw new IOException($"The path '{fullPath}' is {what}, not a file: only regular files are read.");
    }

    private static int Open(string path, int flags)
    {
        int result;
        do
        {
            result = open(path, flags);
        }
        while (result < 0 && Marshal.GetLastPInvokeError() == EIntr);

        return result;
    }

    private static Exception Error(int errno, string path) => errno switch
    {
        ENoent or ENotdir => new FileNotFoundException($"Could not find file '{path}'.", path),
        EAcces or EPerm => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
        ELoop => new IOException($"The path '{path}' has too many levels of symbolic links."),
        ENxio => new IOException($"The path '{path}' is a socket or a device with nothing behind it, not a file: only regular files are read."),
        _ => new IOException($"Could not read '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})."),
    };

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int directoryFd, string path, int flags, uint mask, Statx* status);

    [LibraryImport("libc", EntryPoint = "preadv", SetLastError = true)]
    private static partial nint preadv(int fd, IoVec* vectors, int count, long offset);

    // syscall is variadic in C; on x64 and Arm64 Linux integer and pointer arguments pass as for a fixed signature.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long syscall(long number, int directoryFd, string path, OpenHow* how, nuint size);

    /// <summary>A regular file's version and identity (inode and device): two states of the same file compare equal only if it did not change.</summary>
    public readonly record struct FileState(FileVersion Version, ulong Inode, ulong Device);

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct statx: the same layout on every Linux architecture (256 bytes).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Statx
    {
        [FieldOffset(28)]
        public ushort RawMode;

        [FieldOffset(32)]
        public ulong Inode;

        [FieldOffset(40)]
        public ulong Size;

        [FieldOffset(112)]
        public long MtimeSeconds;

        [FieldOffset(120)]
        public uint MtimeNanoseconds;

        [FieldOffset(136)]
        public uint DeviceMajor;

        [FieldOffset(140)]
        public uint DeviceMinor;

        public readonly int Mode => RawMode;
    }
}
