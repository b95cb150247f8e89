package dev.hookwise

import java.io.File
import java.nio.file.Files

/** The repository root (set by Maven) and the conformance suite in it. */
val ROOT = File(System.getProperty("hookwise.root") ?: "..").canonicalFile
val SUITE = File(ROOT, "tests/conformance")
const val API_KEY = "hw_test_key"

/** The stable code of any hookwise error, whatever its variant. */
val HookwiseException.code: String
    get() = when (this) {
        is HookwiseException.MissingSignature -> code
        is HookwiseException.MalformedSignature -> code
        is HookwiseException.SignatureMismatch -> code
        is HookwiseException.TimestampMissing -> code
        is HookwiseException.TimestampOutsideTolerance -> code
        is HookwiseException.InvalidJson -> code
        is HookwiseException.InvalidSecret -> code
        is HookwiseException.PayloadTooLarge -> code
        is HookwiseException.UnknownScheme -> code
        is HookwiseException.Authentication -> code
        is HookwiseException.NotFound -> code
        is HookwiseException.Conflict -> code
        is HookwiseException.RateLimit -> code
        is HookwiseException.Server -> code
        is HookwiseException.Api -> code
        is HookwiseException.Connection -> code
        is HookwiseException.Timeout -> code
    }

fun xfail(): Set<String> {
    val file = File(SUITE, "xfail/kotlin.txt")
    if (!file.exists()) return emptySet()
    return file.readLines().map { it.substringBefore('#').trim() }.filter { it.isNotEmpty() }.toSet()
}

/** A `hookwise serve` process with its own data dir. */
class ServerProcess(vararg flags: String) : AutoCloseable {
    private val dataDir = Files.createTempDirectory("hookwise-kt-").toFile()
    private val process: Process
    val baseUrl: String

    init {
        val bin = System.getenv("HOOKWISE_BIN") ?: File(ROOT, "target/release/hookwise").path
        process = ProcessBuilder(
            listOf(bin, "serve", "--port", "0", "--api-key", API_KEY, "--data-dir", dataDir.path,
                "--retry-schedule", "0.05,0.1,0.2") + flags,
        ).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val reader = process.inputStream.bufferedReader()
        var url: String? = null
        while (url == null) {
            val line = reader.readLine() ?: error("hookwise serve exited before listening")
            if ("listening on " in line) url = line.substringAfter("listening on ").trim()
        }
        baseUrl = url
        Thread { reader.forEachLine { } }.apply { isDaemon = true }.start()
    }

    override fun close() {
        process.destroyForcibly().waitFor()
        dataDir.deleteRecursively()
    }
}
