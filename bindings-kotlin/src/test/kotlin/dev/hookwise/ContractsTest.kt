package dev.hookwise

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.util.concurrent.TimeUnit

/** Every contract case of tests/conformance/contracts/ (through the generated SDK of its profile,
 *  target/generated-sources/sdks; xfail/kotlin.txt says which cannot be written in Kotlin) and every scenario of
 *  tests/conformance/scenarios/ (through `Client`, against `hookwise serve`) in Kotlin: the one
 *  driver (`hookwise-conformance`) plays them and talks to [main] in ContractAdapter.kt. */
class ContractsTest {
    @Test
    fun everyContractCaseAndScenarioPasses() {
        val driver = System.getenv("HOOKWISE_CONFORMANCE_BIN") ?: File(ROOT, "target/debug/hookwise-conformance").path
        assertTrue(File(driver).canExecute(), "no driver at $driver: cargo build -p hookwise-conformance")
        // Surefire runs the tests from a manifest-only jar; the real test classpath is here.
        val classpath = System.getProperty("surefire.test.class.path") ?: System.getProperty("java.class.path")
        val java = File(System.getProperty("java.home"), "bin/java").path
        val adapter = listOf(java, "-Djna.library.path=${System.getProperty("jna.library.path") ?: ""}",
            "-cp", classpath, "dev.hookwise.ContractAdapterKt")
        val process = ProcessBuilder(listOf(driver, "--lang", "kotlin", "--") + adapter)
            .redirectErrorStream(true).start()
        val output = StringBuilder()
        val reader = Thread {
            process.inputStream.bufferedReader().forEachLine { line -> println(line); output.appendLine(line) }
        }.apply { start() }
        val finished = process.waitFor(10, TimeUnit.MINUTES)
        if (!finished) process.destroyForcibly()
        reader.join(10_000)
        assertTrue(finished, "the driver did not finish within 10 minutes:\n$output")
        assertTrue(Regex("""kotlin contracts: \d+ passed""").containsMatchIn(output), "no summary:\n$output")
        assertEquals(0, process.exitValue(), "contract cases failed:\n" +
            output.lines().filter { it.startsWith("FAIL") || it.startsWith("error") }.joinToString("\n"))
    }
}
