package dev.hookwise

import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.runBlocking
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.io.File
import java.net.InetSocketAddress
import java.util.Collections

/** Every scenario in tests/conformance/scenarios/ through the Kotlin client (suspend functions),
 *  against a real `hookwise serve` process per scenario. */
class ScenariosTest {
    /** A local receiver answering 200 and keeping every request. */
    class Receiver : AutoCloseable {
        val requests: MutableList<Pair<Map<String, String>, ByteArray>> = Collections.synchronizedList(mutableListOf())
        val used = mutableSetOf<Int>()
        private val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
            createContext("/") { exchange ->
                val headers = exchange.requestHeaders.entries.associate { (k, v) -> k to v.joinToString(", ") }
                requests.add(headers to exchange.requestBody.readBytes())
                exchange.sendResponseHeaders(200, -1)
                exchange.close()
            }
            start()
        }
        val url = "http://127.0.0.1:${server.address.port}/hook"
        override fun close() = server.stop(0)
    }

    private fun JobInfo.json() = JSONObject().put("id", id).put("kind", kind).put("status", status).put("progress_pct", progressPct.toInt())
        .put("payload", JSONObject(payloadJson)).put("callback_url", callbackUrl ?: JSONObject.NULL)
        .put("secrecy_level", secrecyLevel ?: JSONObject.NULL).put("result_ref", resultRef ?: JSONObject.NULL)
        .put("error", if (errorCode == null) JSONObject.NULL else JSONObject().put("code", errorCode).put("message", errorMessage))
        .put("created_at", createdAt).put("updated_at", updatedAt ?: JSONObject.NULL)
        .put("started_at", startedAt ?: JSONObject.NULL).put("finished_at", finishedAt ?: JSONObject.NULL)

    private fun WebhookEndpoint.json() = JSONObject().put("id", id).put("url", url).put("events", JSONArray(events))
        .put("name", name ?: JSONObject.NULL).put("status", status).put("secret", secret ?: JSONObject.NULL)
        .put("created_at", createdAt).put("updated_at", updatedAt ?: JSONObject.NULL)

    private fun Delivery.json() = JSONObject().put("id", id).put("event_id", eventId).put("event_type", eventType)
        .put("endpoint_id", endpointId).put("url", url).put("status", status)
        .put("attempts", JSONArray(attempts.map { a -> JSONObject().put("attempt", a.attempt.toInt()).put("at", a.at)
            .put("status_code", a.statusCode?.toInt() ?: JSONObject.NULL).put("error", a.error ?: JSONObject.NULL) }))

    private fun kindOf(e: HookwiseException) = when (e) {
        is HookwiseException.Authentication -> "authentication"
        is HookwiseException.NotFound -> "not_found"
        is HookwiseException.Conflict -> "conflict"
        is HookwiseException.RateLimit -> "rate_limit"
        is HookwiseException.Server -> "server"
        is HookwiseException.Connection -> "connection"
        is HookwiseException.Timeout -> "timeout"
        else -> "api"
    }

    private fun errorJson(e: HookwiseException): JSONObject {
        val (status, trace) = when (e) {
            is HookwiseException.Authentication -> e.status.toInt() to e.traceId
            is HookwiseException.NotFound -> e.status.toInt() to e.traceId
            is HookwiseException.Conflict -> e.status.toInt() to e.traceId
            is HookwiseException.RateLimit -> e.status.toInt() to e.traceId
            is HookwiseException.Server -> e.status.toInt() to e.traceId
            is HookwiseException.Api -> e.status.toInt() to e.traceId
            else -> null to null
        }
        return JSONObject().put("status", status ?: JSONObject.NULL).put("code", e.code).put("kind", kindOf(e))
            .put("trace_id", trace ?: JSONObject.NULL)
    }

    private fun subst(v: Any?, saved: Map<String, Any>): Any? = when {
        v is String && v.startsWith("\${") && v.endsWith("}") -> {
            val path = v.substring(2, v.length - 1).split('.')
            path.drop(1).fold(saved.getValue(path[0]) as Any?) { acc, key -> (acc as JSONObject).opt(key) }
        }
        v is JSONArray -> JSONArray((0 until v.length()).map { subst(v.get(it), saved) })
        v is JSONObject -> JSONObject().also { o -> v.keySet().forEach { k -> o.put(k, subst(v.get(k), saved) ?: JSONObject.NULL) } }
        else -> v
    }

    private fun same(a: Any?, b: Any?) = JSONArray().put(a ?: JSONObject.NULL).similar(JSONArray().put(b ?: JSONObject.NULL))

    /** The matcher of tests/conformance/README.md. */
    private fun matches(pattern: Any?, actual: Any?, at: String) {
        val value = if (actual == JSONObject.NULL) null else actual
        if (pattern is JSONObject && pattern.length() > 0 && pattern.keySet().all { it.startsWith("$") }) {
            for (op in pattern.keySet()) {
                val arg = pattern.get(op)
                val ok = when (op) {
                    "\$in" -> (0 until (arg as JSONArray).length()).any { same(arg.get(it), value) }
                    "\$ne" -> !same(arg, value)
                    "\$type" -> when (arg) {
                        "string" -> value is String; "number" -> value is Number; "boolean" -> value is Boolean
                        "null" -> value == null; "array" -> value is JSONArray; else -> value is JSONObject
                    }
                    "\$len" -> (value as? JSONArray)?.length() == arg
                    "\$startswith" -> value is String && value.startsWith(arg as String)
                    "\$last" -> value is JSONArray && value.length() > 0 && same(value.get(value.length() - 1), arg)
                    "\$absent" -> (value == null) == arg
                    else -> error("$at: unknown operator $op")
                }
                assertTrue(ok, "$at: $value does not satisfy $op $arg")
            }
            return
        }
        when (pattern) {
            is JSONObject -> {
                assertTrue(value is JSONObject, "$at: expected an object, got $value")
                for (k in pattern.keySet()) matches(pattern.get(k), (value as JSONObject).opt(k), "$at.$k")
            }
            is JSONArray -> {
                assertTrue(value is JSONArray && value.length() == pattern.length(), "$at: expected ${pattern.length()} items, got $value")
                for (i in 0 until pattern.length()) matches(pattern.get(i), (value as JSONArray).get(i), "$at[$i]")
            }
            else -> assertTrue(same(pattern, value), "$at: expected $pattern, got $value")
        }
    }

    private suspend fun run(client: Client, receivers: MutableMap<String, Receiver>, op: String, a: JSONObject): Any {
        fun s(k: String) = if (a.isNull(k)) null else a.getString(k)
        fun list(k: String) = a.optJSONArray(k)?.let { arr -> (0 until arr.length()).map { arr.getString(it) } }
        return when (op) {
            "jobs.create" -> client.jobsCreate(a.getString("kind"), a.optJSONObject("payload")?.toString(), s("callback_url"), s("secrecy_level"), s("idempotency_key")).json()
            "jobs.get" -> client.jobsGet(a.getString("id")).json()
            "jobs.cancel" -> client.jobsCancel(a.getString("id")).json()
            "jobs.result" -> client.jobsResult(a.getString("id")).let { JSONObject().put("id", it.id).put("result_ref", it.resultRef).put("signed_url", it.signedUrl) }
            "jobs.download" -> {
                var url = a.getString("url")
                if (a.optBoolean("tamper")) url = url.dropLast(1) + (if (url.endsWith("0")) "1" else "0")
                JSONObject(String(client.jobsDownload(url)))
            }
            "jobs.list" -> client.jobsList(s("kind"), s("status"), if (a.has("limit")) a.getInt("limit").toUInt() else null, s("cursor")).let {
                JSONObject().put("jobs", JSONArray(it.jobs.map { j -> j.json() })).put("next_cursor", it.nextCursor ?: JSONObject.NULL).put("total_count", it.totalCount.toLong())
            }
            "jobs.list_all" -> {
                val pages = client.jobsListAll(s("kind"), s("status"), if (a.has("limit")) a.getInt("limit").toUInt() else null)
                val jobs = generateSequence { runBlocking { pages.next() } }.map { it.json() }.toList()
                JSONObject().put("count", jobs.size).put("jobs", JSONArray(jobs))
            }
            "jobs.wait" -> {
                val progress = Collections.synchronizedList(mutableListOf<Int>())
                val listener = object : ProgressListener { override fun onProgress(job: JobInfo) { progress.add(job.progressPct.toInt()) } }
                val job = client.jobsWait(a.getString("id"), a.getLong("timeout_ms").toULong(), listener)
                JSONObject().put("job", job.json()).put("progress", JSONArray(progress.toList()))
            }
            "webhooks.register" -> client.webhooksRegister(a.getString("url"), list("events"), s("secret"), s("name")).json()
            "webhooks.list" -> JSONObject().put("webhooks", JSONArray(client.webhooksList().map { it.json() }))
            "webhooks.get" -> client.webhooksGet(a.getString("id")).json()
            "webhooks.update" -> client.webhooksUpdate(a.getString("id"), s("url"), list("events"), s("name"), s("status")).json()
            "webhooks.delete" -> JSONObject().put("id", client.webhooksDelete(a.getString("id"))).put("deleted", true)
            "webhooks.rotate_secret" -> client.webhooksRotateSecret(a.getString("id")).json()
            "webhooks.deliveries" -> JSONObject().put("deliveries", JSONArray(client.webhooksDeliveries(a.getString("id")).map { it.json() }))
            "receiver.start" -> Receiver().let { receivers[it.url] = it; JSONObject().put("url", it.url) }
            "receiver.expect_event" -> {
                val r = receivers.getValue(a.getString("receiver"))
                val hook = Webhook(listOf(a.getString("secret")), a.getString("scheme"))
                val deadline = System.currentTimeMillis() + a.optLong("timeout_ms", 15000)
                var event: JSONObject? = null
                while (event == null) {
                    val found = r.requests.toList().withIndex().firstNotNullOfOrNull { (i, req) ->
                        if (i in r.used) return@firstNotNullOfOrNull null
                        val event = runCatching { hook.verify(req.second, req.first) }.getOrNull() ?: return@firstNotNullOfOrNull null
                        if (a.has("type") && event.eventType != a.getString("type")) null else i to event
                    }
                    if (found != null) {
                        r.used.add(found.first)
                        val e = found.second
                        event = JSONObject().put("id", e.id ?: JSONObject.NULL).put("type", e.eventType ?: JSONObject.NULL)
                            .put("created_at", e.createdAt ?: JSONObject.NULL).put("data", JSONObject(e.dataJson))
                            .put("payload", JSONObject(e.payloadJson)).put("scheme", e.scheme)
                    } else {
                        check(System.currentTimeMillis() < deadline) { "harness: no matching delivery reached the receiver" }
                        Thread.sleep(20)
                    }
                }
                event
            }
            else -> error("unknown op $op")
        }
    }

    @TestFactory
    fun everyScenario(): List<DynamicTest> = File(SUITE, "scenarios").listFiles()!!.filter { it.name.endsWith(".json") }.sorted().map { file ->
        DynamicTest.dynamicTest(file.name) {
            val scenario = JSONObject(file.readText())
            val server = scenario.getJSONObject("server")
            val flags = buildList {
                if (server.has("scheme")) addAll(listOf("--scheme", server.getString("scheme")))
                if (server.has("callback_secret")) addAll(listOf("--callback-secret", server.getString("callback_secret")))
            }
            val receivers = mutableMapOf<String, Receiver>()
            ServerProcess(*flags.toTypedArray()).use { srv ->
                val client = Client(API_KEY, srv.baseUrl)
                val saved = mutableMapOf<String, Any>()
                val steps = scenario.getJSONArray("steps")
                try {
                    for (i in 0 until steps.length()) {
                        val step = steps.getJSONObject(i)
                        val op = step.getString("op")
                        val at = "step $i ($op)"
                        val args = subst(step.optJSONObject("args") ?: JSONObject(), saved) as JSONObject
                        val expect = subst(step.optJSONObject("expect") ?: JSONObject(), saved) as JSONObject
                        val actor = if (step.has("api_key")) Client(step.getString("api_key"), srv.baseUrl) else client
                        val result = try {
                            runBlocking { run(actor, receivers, op, args) }
                        } catch (e: HookwiseException) {
                            assertTrue(expect.has("error"), "$at: failed: $e")
                            matches(expect.get("error"), errorJson(e), "$at: error")
                            continue
                        }
                        assertTrue(!expect.has("error"), "$at: succeeded with $result, expected an error")
                        if (expect.has("match")) matches(expect.get("match"), result, "$at: result")
                        if (step.has("save")) saved[step.getString("save")] = result
                    }
                } finally {
                    receivers.values.forEach { it.close() }
                }
            }
        }
    }.also { assertEquals(8, it.size) }
}
