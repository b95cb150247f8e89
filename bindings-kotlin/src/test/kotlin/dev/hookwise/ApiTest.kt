package dev.hookwise

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
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
import kotlin.reflect.KClass
import kotlin.reflect.KType
import kotlin.reflect.full.declaredMemberFunctions
import kotlin.reflect.full.declaredMemberProperties
import kotlin.reflect.jvm.kotlinFunction
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** What only Kotlin has over the profile engine: suspend calls, lazy pagination with `next()` and
 *  as a `Flow`, the progress listener of `wait`, `Duration`s and signed numbers, and exception
 *  classes whose code and status are readable on the base type. Against a real `hookwise serve`
 *  speaking `profiles/hookwise.yaml`. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTest {
    private val server = ServerProcess()
    private val profile = Profile.fromText(File(ROOT, "profiles/hookwise.yaml").readText())
    private val api = Api(profile, ApiOptions(baseUrl = server.baseUrl, maxRetries = 0), apiKey = API_KEY)

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
        assertTrue(e.code in setOf("invalid_profile", "unsupported_profile"), e.code)
        assertNull(e.status)
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
        assertEquals("invalid_argument", e.code)
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
        val done = JSONObject(api.wait("get_job", json("id" to id), 15.seconds, listener))
        assertEquals("succeeded", done.getString("status"))
        assertTrue(progress.isNotEmpty())
        assertEquals(100, progress.last().getInt("progress_pct"))
        assertTrue(progress.all { it.getString("id") == id })
        // Without a listener, and a timeout that passes first.
        val slow = JSONObject(api.call("create_job", json("kind" to "kt-wait", "payload" to mapOf("duration_ms" to 5_000)))).getString("id")
        val timeout = assertThrows<HookwiseException.Timeout> { runBlocking { api.wait("get_job", json("id" to slow), 100.milliseconds) } }
        assertEquals("timeout", timeout.code)
        assertNull(timeout.status)

        val result = JSONObject(api.call("get_job_result", json("id" to id)))
        val downloaded = JSONObject(String(api.download(result.getString("signed_url"))))
        assertEquals(id, downloaded.getString("job_id"))
    }

    @Test
    fun exceptionClassesCarryCodeAndStatusOnTheBaseType() = runBlocking {
        val missing = assertThrows<HookwiseException.NotFound> { runBlocking { api.call("get_job", json("id" to "job_01JZZZZZZZZZZZZZZZZZZZZZZZ")) } }
        val base: HookwiseException = missing
        assertEquals("not_found", base.code)
        assertEquals(404, base.status)
        assertEquals(404, missing.status) // the subclass's own field, an Int as well
        assertTrue(base.traceId?.startsWith("trc_") == true, "${base.traceId}")
        assertTrue(base.reason.isNotEmpty())
        assertEquals(ErrorDetails("not_found", base.reason, 404, base.traceId), base.details())

        val unauthorized = Api(profile, ApiOptions(baseUrl = server.baseUrl), apiKey = "wrong")
        val auth = assertThrows<HookwiseException> { runBlocking { unauthorized.call("list_jobs", "{}") } }
        assertTrue(auth is HookwiseException.Authentication, "$auth")
        assertEquals(401, auth.status)
        assertEquals("unauthorized", auth.code)
        unauthorized.close()

        val bad = assertThrows<HookwiseException.Api> { runBlocking { api.call("list_jobs", json("limit" to 0)) } }
        assertEquals(400, bad.status)

        for (args in listOf("not json", "[]", "{\"nope\": 1}")) {
            val e = assertThrows<HookwiseException.InvalidArgument> { runBlocking { api.call("list_jobs", args) } }
            assertEquals("invalid_argument", e.code)
            assertNull(e.status)
            assertNull(e.traceId)
        }
        assertThrows<HookwiseException.InvalidArgument> { runBlocking { api.call("no_such_operation", "{}") } }

        val refused = assertThrows<HookwiseException.Connection> {
            runBlocking { Api(profile, ApiOptions(baseUrl = "http://127.0.0.1:9", maxRetries = 0), apiKey = API_KEY).use { it.call("list_jobs", "{}") } }
        }
        assertEquals("connection_error", refused.code)

        // Webhook errors answer the same accessors (no status).
        val payload = "{}".toByteArray()
        val headers = Webhook(listOf("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "standard").sign(payload)
        val hook = Webhook(listOf("whsec_" + "A".repeat(32)), "standard")
        val mismatch = assertThrows<HookwiseException> { hook.verify(payload, headers) }
        assertEquals("signature_mismatch", mismatch.code)
        assertNull(mismatch.status)
    }

    @Test
    fun listAllIsAColdLazyFlow() = runBlocking {
        val kind = "kt-flow-${System.nanoTime()}"
        dev.hookwise.api.Client(apiKey = API_KEY, baseUrl = server.baseUrl, maxRetries = 0).use { client ->
            val ids = (1..5).map { client.jobs.create(kind, payload = kotlinx.serialization.json.buildJsonObject { }).id }
            val all: Flow<dev.hookwise.api.types.Job> = client.jobs.listAutoPaging(kind = kind, limit = 2)
            // Every item of the three pages, each time the flow is collected (it is cold: every
            // collection starts at the first page), and only as many as are taken.
            val first = all.toList().map { it.id }
            assertEquals(5, first.size)
            assertEquals(ids.toSet(), first.toSet())
            assertEquals(first, all.toList().map { it.id })
            assertEquals(first.take(3), all.take(3).toList().map { it.id })
            // Nothing is fetched before collection: a bad argument fails when the flow runs, as
            // the typed HookwiseException with its code and status on the base type.
            val refused = client.jobs.listAutoPaging(kind = kind, limit = 0)
            val e: HookwiseException = assertThrows<HookwiseException.Api> { runBlocking { refused.toList() } }
            assertEquals(400, e.status)
            assertTrue(e.code.isNotEmpty())
        }
    }

    @Test
    fun timeoutsAreDurationsAndNegativeNumbersAreClearErrors() = runBlocking {
        // A negative duration or count cannot reach the core's unsigned fields: a clear
        // InvalidArgument naming the option, never a crash.
        val cases = listOf<Pair<String, () -> Unit>>(
            "timeout" to { Api(profile, ApiOptions(baseUrl = server.baseUrl, timeout = (-1).seconds), apiKey = API_KEY).close() },
            "maxRetries" to { Api(profile, ApiOptions(baseUrl = server.baseUrl, maxRetries = -1), apiKey = API_KEY).close() },
            "initialRetryDelay" to { Api(profile, ApiOptions(baseUrl = server.baseUrl, initialRetryDelay = (-5).milliseconds), apiKey = API_KEY).close() },
            "maxRetryDelay" to { Api(profile, ApiOptions(baseUrl = server.baseUrl, maxRetryDelay = -Duration.INFINITE), apiKey = API_KEY).close() },
            "tolerance" to { Webhook(listOf("k"), "github", tolerance = (-1).seconds).close() },
            "maxPayloadBytes" to { Webhook(listOf("k"), "github", maxPayloadBytes = -1).close() },
            "timeout" to { runBlocking { api.wait("get_job", json("id" to "job_x"), (-1).milliseconds) } },
        )
        for ((name, call) in cases) {
            val e = assertThrows<HookwiseException.InvalidArgument>(name) { call() }
            assertEquals("invalid_argument", e.code)
            assertTrue(e.reason.startsWith("$name must not be negative"), e.reason)
        }
        // The generated client takes Durations too: a server that accepts and never answers is the
        // Timeout error after the 200 ms given.
        java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()).use { silent ->
            val held = Collections.synchronizedList(mutableListOf<java.net.Socket>())
            Thread { runCatching { while (true) held.add(silent.accept()) } }.apply { isDaemon = true }.start()
            val baseUrl = "http://127.0.0.1:${silent.localPort}"
            dev.hookwise.api.Client(apiKey = API_KEY, baseUrl = baseUrl, timeout = 200.milliseconds, maxRetries = 0).use { client ->
                val started = System.nanoTime()
                val e = assertThrows<HookwiseException.Timeout> { runBlocking { client.jobs.list() } }
                assertEquals("timeout", e.code)
                assertTrue((System.nanoTime() - started) / 1_000_000 in 150..5_000, "took ${(System.nanoTime() - started) / 1_000_000} ms")
            }
            held.forEach { it.close() }
        }
        // Duration.INFINITE (Long.MAX_VALUE milliseconds) is a wait without end, not an error.
        val id = JSONObject(api.call("create_job", json("kind" to "kt-infinite", "payload" to mapOf("duration_ms" to 50)))).getString("id")
        assertEquals("succeeded", JSONObject(api.wait("get_job", json("id" to id), Duration.INFINITE)).getString("status"))
    }

    @Test
    fun noPublicSignatureHasAnUnsignedType() {
        // What a user calls: the uniffi layer, the SDK runtime and the generated client. (uniffi's
        // own plumbing, `uniffi…` members and the FfiConverter objects, is not the API.)
        val classes: List<KClass<*>> = listOf(
            Api::class, ApiOptions::class, ApiPages::class, ApiProgressListener::class, Profile::class, Webhook::class,
            Event::class, ErrorDetails::class, HookwiseException::class, HookwiseException.NotFound::class,
            HookwiseException.Timeout::class, dev.hookwise.sdk.Engine::class, dev.hookwise.sdk.Args::class,
            dev.hookwise.api.Client::class, dev.hookwise.api.Client.Jobs::class, dev.hookwise.api.Webhook::class,
        )
        val unsigned = setOf(UInt::class, ULong::class, UShort::class, UByte::class)
        fun KType.isUnsigned(): Boolean = classifier in unsigned || arguments.any { it.type?.isUnsigned() == true }
        val seen = mutableListOf<String>()
        val found = mutableListOf<String>()
        fun look(where: String, types: List<KType>) {
            seen.add(where)
            if (types.any { it.isUnsigned() }) found.add("$where: $types")
        }
        for (c in classes) {
            c.constructors.forEach { k -> look("${c.simpleName}(…)", k.parameters.map { it.type }) }
            c.declaredMemberFunctions.filter { !it.name.startsWith("uniffi") }.forEach { f ->
                look("${c.simpleName}.${f.name}", f.parameters.map { it.type } + f.returnType)
            }
            c.declaredMemberProperties.forEach { p -> look("${c.simpleName}.${p.name}", listOf(p.returnType)) }
        }
        // The top-level functions, and the accessors on the base exception type.
        Class.forName("dev.hookwise.Hookwise_ffiKt").declaredMethods.mapNotNull { it.kotlinFunction }.filter { !it.name.startsWith("uniffi") }.forEach { f ->
            look(f.name, f.parameters.map { it.type } + f.returnType)
        }
        for (p in listOf(HookwiseException::code, HookwiseException::reason, HookwiseException::status, HookwiseException::traceId)) {
            look("HookwiseException.${p.name}", listOf(p.returnType))
        }
        assertEquals(emptyList<String>(), found)
        val expected = listOf(
            "ApiOptions.maxRetries", "ApiOptions.timeout", "Webhook(…)", "Api.wait", "Engine.wait", "constructEvent",
            "ErrorDetails.status", "NotFound.status", "HookwiseException.status",
        )
        assertEquals(emptyList<String>(), expected.filter { it !in seen }, "looked at: $seen")
    }
}
