package dev.burrow.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files and directories that hold credentials, readable only by their owner: new ones are made so from the start,
 * and existing ones that others may read are tightened, with a line logged. On file systems without POSIX
 * permissions (Windows) the per-user location is what keeps them private, and modes are left alone.
 */
public final class PrivateFile {
    private static final Logger log = LoggerFactory.getLogger(PrivateFile.class);
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private PrivateFile() {}

    /**
     * Replaces {@code target} with {@code content}, never seen half written, creating missing parent directories as
     * owner-only too.
     */
    public static void write(Path target, byte[] content) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Files.createDirectories(dir, attributes(dir, DIR_MODE));
        // Created with its final mode, so the content is never readable by others even for a moment;
        // in the same directory, so the move below is a rename within one file system.
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", attributes(dir, FILE_MODE));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Creates {@code dir} and its missing parents owner-only, or tightens it if it exists. */
    public static void directory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            tighten(dir);
        } else {
            Files.createDirectories(dir, attributes(dir, DIR_MODE));
        }
    }

    /**
     * Creates {@code file} empty and owner-only, or tightens it if it exists: for a file another program fills, such
     * as SQLite, which would otherwise make it with the umask's mode.
     */
    public static void create(Path file) throws IOException {
        try {
            Files.createFile(file, attributes(file, FILE_MODE));
        } catch (FileAlreadyExistsException e) {
            tighten(file);
        }
    }

    /**
     * Takes the group's and others' permissions off {@code path}, if it exists and has any, and logs what it was and
     * what it is now. A path this user may not change (not its owner) is logged and left as it is: it was readable
     * before and still works.
     */
    public static void tighten(Path path) {
        if (!posix(path) || !Files.exists(path)) {
            return;
        }
        try {
            Set<PosixFilePermission> was = Files.getPosixFilePermissions(path);
            Set<PosixFilePermission> now = EnumSet.noneOf(PosixFilePermission.class);
            now.addAll(was);
            now.retainAll(OWNER);
            if (now.equals(was)) {
                return;
            }
            Files.setPosixFilePermissions(path, now);
            log.atWarn().addKeyValue("path", path).addKeyValue("was", PosixFilePermissions.toString(was))
                    .addKeyValue("now", PosixFilePermissions.toString(now))
                    .log("permissions tightened: other users could read it");
        } catch (IOException e) {
            log.atWarn().addKeyValue("path", path).log("could not make private, other users may read it: {}",
                    e.toString());
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static FileAttribute<?>[] attributes(Path path, Set<PosixFilePermission> mode) {
        return posix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
                : new FileAttribute<?>[0];
    }
}
