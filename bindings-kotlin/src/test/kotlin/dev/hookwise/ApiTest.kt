package dev.hookwise

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.util.Collections

/** What only Kotlin has over the profile engine: suspend calls, lazy pagination with `next()`,
 *  the progress listener of `wait`, and exception classes whose code and status are readable on
 *  the base type. Against a real `hookwise serve` speaking `profiles/hookwise.yaml`. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTest {
    private val server = ServerProcess()
    private val profile = Profile.fromText(File(ROOT, "profiles/hookwise.yaml").readText())
    private val api = Api(profile, ApiOptions(baseUrl = server.baseUrl, maxRetries = 0u), apiKey = API_KEY)

    @AfterAll
    fun close() {
        api.close()
        profile.close()
        server.close()
    }

    private fun json(vararg pairs: Pair<String, Any?>) = JSONObject(mapOf(*pairs)).toString()

    @Test
    fun profileIsReadable() {
        assertEquals("hookwise", profile.name())
        assertTrue("create_job" in profile.operations() && "list_jobs" in profile.operations(), "${profile.operations()}")
        assertTrue(profile.baseUrl() != null)
        val e = assertThrows<HookwiseException.InvalidProfile> { Profile.fromText("openapi: 3.1.0\npaths: 7\n") }
        assertTrue(e.code() in setOf("invalid_profile", "unsupported_profile"), e.code())
        assertNull(e.status())
    }

    @Test
    fun secretsNeverPrint() {
        // uniffi makes records data classes, whose toString prints every field: the key and the
        // password are arguments of Api's constructor instead, kept in Rust.
        val options = ApiOptions(username = "ana", baseUrl = server.baseUrl)
        Api(profile, options, apiKey = "sk_live_do_not_print", password = "hunter2-do-not-print").use { withSecrets ->
            val shown = "$options $withSecrets ${dev.hookwise.api.Client(apiKey = "sk_live_do_not_print", baseUrl = server.baseUrl)}"
            assertTrue("do_not_print" !in shown && "do-not-print" !in shown, shown)
            assertTrue("ana" in shown, shown)
        }
    }

    @Test
    fun suspendCallsRunConcurrently() = runBlocking {
        val created = (1..3).map { i ->
            async { JSONObject(api.call("create_job", json("kind" to "kt-concurrent", "payload" to mapOf("n" to i, "duration_ms" to 50)))) }
        }.awaitAll()
        assertEquals(3, created.map { it.getString("id") }.toSet().size)
        val got = JSONObject(api.call("get_job", json("id" to created[0].getString("id"))))
        assertEquals("kt-concurrent", got.getString("kind"))
    }

    @Test
    fun paginateFetchesEveryPageLazily() = runBlocking {
        val kind = "kt-pages-${System.nanoTime()}"
        val ids = (1..5).map { JSONObject(api.call("create_job", json("kind" to kind, "payload" to mapOf("duration_ms" to 50)))).getString("id") }
        val seen = mutableListOf<String>()
        api.paginate("list_jobs", json("kind" to kind, "limit" to 2)).use { pages ->
            while (true) seen.add(JSONObject(pages.next() ?: break).getString("id"))
            assertNull(pages.next(), "the end stays the end")
        }
        assertEquals(ids.toSet(), seen.toSet())
        assertEquals(5, seen.size)
        // Arguments that are not an object are refused at once; an operation that does not
        // paginate, at the first page.
        assertThrows<HookwiseException.InvalidArgument> { api.paginate("list_jobs", "[1]") }
        val e = assertThrows<HookwiseException.InvalidArgument> { runBlocking { api.paginate("get_job", json("id" to ids[0])).next() } }
        assertEquals("invalid_argument", e.code())
    }

    @Test
    fun waitReportsProgressAndDownloads() = runBlocking {
        val id = JSONObject(api.call("create_job", json("kind" to "kt-wait", "payload" to mapOf("duration_ms" to 400)))).getString("id")
        val progress = Collections.synchronizedList(mutableListOf<JSONObject>())
        val listener = object : ApiProgressListener {
            override fun onProgress(objectJson: String) {
                progress.add(JSONObject(objectJson))
            }
        }
        val done = JSONObject(api.wait("get_job", json("id" to id), 15_000u, listener))
        assertEquals("succeeded", done.getString("status"))
        assertTrue(progress.isNotEmpty())
        assertEquals(100, progress.last().getInt("progress_pct"))
        assertTrue(progress.all { it.getString("id") == id })
        // Without a listener, and a timeout that passes first.
        val slow = JSONObject(api.call("create_job", json("kind" to "kt-wait", "payload" to mapOf("duration_ms" to 5_000)))).getString("id")
        val timeout = assertThrows<HookwiseException.Timeout> { runBlocking { api.wait("get_job", json("id" to slow), 100u) } }
        assertEquals("timeout", timeout.code())
        assertNull(timeout.status())

        val result = JSONObject(api.call("get_job_result", json("id" to id)))
        val downloaded = JSONObject(String(api.download(result.getString("signed_url"))))
        assertEquals(id, downloaded.getString("job_id"))
    }

    @Test
    fun exceptionClassesCarryCodeAndStatusOnTheBaseType() = runBlocking {
        val missing = assertThrows<HookwiseException.NotFound> { runBlocking { api.call("get_job", json("id" to "job_01JZZZZZZZZZZZZZZZZZZZZZZZ")) } }
        val base: HookwiseException = missing
        assertEquals("not_found", base.code())
        assertEquals(404, base.status()?.toInt())
        assertEquals(404, missing.status.toInt())
        assertTrue(base.traceId()?.startsWith("trc_") == true, "${base.traceId()}")
        assertTrue(base.reason().isNotEmpty())

        val unauthorized = Api(profile, ApiOptions(baseUrl = server.baseUrl), apiKey = "wrong")
        val auth = assertThrows<HookwiseException> { runBlocking { unauthorized.call("list_jobs", "{}") } }
        assertTrue(auth is HookwiseException.Authentication, "$auth")
        assertEquals(401, auth.status()?.toInt())
        assertEquals("unauthorized", auth.code())
        unauthorized.close()

        val bad = assertThrows<HookwiseException.Api> { runBlocking { api.call("list_jobs", json("limit" to 0)) } }
        assertEquals(400, bad.status()?.toInt())

        for (args in listOf("not json", "[]", "{\"nope\": 1}")) {
            val e = assertThrows<HookwiseException.InvalidArgument> { runBlocking { api.call("list_jobs", args) } }
            assertEquals("invalid_argument", e.code())
            assertNull(e.status())
            assertNull(e.traceId())
        }
        assertThrows<HookwiseException.InvalidArgument> { runBlocking { api.call("no_such_operation", "{}") } }

        val refused = assertThrows<HookwiseException.Connection> {
            runBlocking { Api(profile, ApiOptions(baseUrl = "http://127.0.0.1:9", maxRetries = 0u), apiKey = API_KEY).use { it.call("list_jobs", "{}") } }
        }
        assertEquals("connection_error", refused.code())

        // Webhook errors answer the same accessors (no status).
        val payload = "{}".toByteArray()
        val headers = Webhook(listOf("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "standard").sign(payload)
        val hook = Webhook(listOf("whsec_" + "A".repeat(32)), "standard")
        val mismatch = assertThrows<HookwiseException> { hook.verify(payload, headers) }
        assertEquals("signature_mismatch", mismatch.code())
        assertNull(mismatch.status())
    }
}
