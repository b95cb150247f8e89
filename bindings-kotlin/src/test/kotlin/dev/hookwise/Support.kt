package dev.hookwise

import java.io.File
import java.nio.file.Files

/** The repository root (set by Maven) and the conformance suite in it. */
val ROOT = File(System.getProperty("hookwise.root") ?: "..").canonicalFile
val SUITE = File(ROOT, "tests/conformance")
const val API_KEY = "hw_test_key"

/** The conformance suite's `kind` of an API error (`contracts/README.md`), by exception class;
 *  null for the errors an API call does not raise (webhook verification, an unusable profile). */
fun kindOf(e: HookwiseException): String? = when (e) {
    is HookwiseException.Authentication -> "authentication"
    is HookwiseException.PermissionDenied -> "permission_denied"
    is HookwiseException.NotFound -> "not_found"
    is HookwiseException.Conflict -> "conflict"
    is HookwiseException.UnprocessableEntity -> "unprocessable_entity"
    is HookwiseException.RateLimit -> "rate_limit"
    is HookwiseException.Server -> "server"
    is HookwiseException.Api -> "api"
    is HookwiseException.Connection -> "connection"
    is HookwiseException.Timeout -> "timeout"
    is HookwiseException.InvalidArgument -> "invalid_argument"
    is HookwiseException.InvalidResponse -> "invalid_response"
    is HookwiseException.MissingSignature, is HookwiseException.MalformedSignature,
    is HookwiseException.SignatureMismatch, is HookwiseException.TimestampMissing,
    is HookwiseException.TimestampOutsideTolerance, is HookwiseException.InvalidJson,
    is HookwiseException.InvalidSecret, is HookwiseException.PayloadTooLarge,
    is HookwiseException.UnknownScheme, is HookwiseException.Webhook,
    is HookwiseException.InvalidProfile -> null
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
                "--retry-schedule", "0.05,0.1,0.2", "--allow-private-targets") + flags,
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
