package dev.hookwise

import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObjectBuilder
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.contentOrNull
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.longOrNull
import kotlinx.serialization.json.put
import java.io.File
import java.util.Base64
import java.util.Collections

/**
 * The Kotlin adapter of the conformance driver (`tests/conformance/contracts/README.md`,
 * *Adapters*): one JSON request per line on stdin, one JSON answer per line on stdout. Contract
 * cases go through the generated `Api` (JSON crosses as text and is passed through unchanged,
 * numbers as written); scenario steps (`"suite": "scenario"`, `tests/conformance/README.md`)
 * through `Client`, and `webhook.verify` through `Webhook`.
 * Run by `hookwise-conformance --lang kotlin -- java -cp … dev.hookwise.ContractAdapterKt`.
 */
fun main() {
    val profiles = mutableMapOf<String, Profile>()
    while (true) {
        val line = readlnOrNull() ?: break
        if (line.isBlank()) continue
        val answer = try {
            val request = Json.parseToJsonElement(line).jsonObject
            when {
                request.text("suite") != "scenario" -> play(request, profiles)
                request.text("op") == "webhook.verify" -> verify(request.getValue("args").jsonObject)
                else -> buildJsonObject { put("ok", true); put("result", runBlocking { step(request) }) }
            }
        } catch (e: HookwiseException) {
            buildJsonObject { put("ok", false); put("error", errorJson(e)) }
        } catch (e: Exception) {
            // Not an error of the SDK's: tell the driver (the case fails) and keep serving.
            System.err.println("adapter: $e")
            buildJsonObject {
                put("ok", false)
                put("error", buildJsonObject { put("kind", "adapter"); put("message", e.toString()) })
            }
        }
        println(answer.toString())
        System.out.flush()
    }
    profiles.values.forEach { it.close() }
}

/** `{kind, status, code, message, trace_id}`, all read on the base exception type but the kind. */
private fun errorJson(e: HookwiseException): JsonObject = buildJsonObject {
    put("kind", kindOf(e))
    put("status", e.status()?.toInt())
    put("code", e.code())
    put("message", e.reason())
    put("trace_id", e.traceId())
}

private fun JsonObject.text(key: String): String? = (get(key) as? JsonPrimitive)?.contentOrNull

private fun JsonObject.number(key: String): Long? = (get(key) as? JsonPrimitive)?.longOrNull

/** The request's options: a key absent (or null) is not passed, so the engine's default holds. */
private fun options(o: JsonObject) = ApiOptions(
    apiKey = o.text("api_key"),
    username = o.text("username"),
    password = o.text("password"),
    baseUrl = o.text("base_url"),
    timeoutMs = o.number("timeout_ms")?.toULong(),
    maxRetries = o.number("max_retries")?.toUInt(),
    initialRetryDelayMs = o.number("initial_retry_delay_ms")?.toULong(),
    maxRetryDelayMs = o.number("max_retry_delay_ms")?.toULong(),
    userAgent = o.text("user_agent"),
)

private fun play(request: JsonObject, profiles: MutableMap<String, Profile>): JsonObject {
    val path = request.getValue("profile").jsonPrimitive.content
    val profile = profiles.getOrPut(path) { Profile.fromText(File(path).readText()) }
    val op = request.getValue("op").jsonPrimitive.content
    val args = request["args"] as? JsonObject ?: JsonObject(emptyMap())
    val argsJson = args.toString()
    val progress = Collections.synchronizedList(mutableListOf<String>())
    val result: JsonElement = Api(profile, options(request["options"] as? JsonObject ?: JsonObject(emptyMap()))).use { api ->
        runBlocking {
            when (val mode = request.getValue("mode").jsonPrimitive.content) {
                "call" -> Json.parseToJsonElement(api.call(op, argsJson))
                "paginate" -> api.paginate(op, argsJson).use { pages ->
                    val items = mutableListOf<JsonElement>()
                    while (true) items.add(Json.parseToJsonElement(pages.next() ?: break))
                    JsonArray(items)
                }
                "wait" -> {
                    val listener = object : ApiProgressListener {
                        override fun onProgress(objectJson: String) {
                            progress.add(objectJson)
                        }
                    }
                    val timeoutMs = request.number("timeout_ms") ?: 5000
                    Json.parseToJsonElement(api.wait(op, argsJson, timeoutMs.toULong(), listener))
                }
                "download" -> {
                    val text = String(api.download(args.text("url") ?: ""), Charsets.UTF_8)
                    runCatching { Json.parseToJsonElement(text) }.getOrElse { JsonPrimitive(text) }
                }
                else -> error("unknown mode $mode")
            }
        }
    }
    return buildJsonObject {
        put("ok", true)
        put("result", result)
        put("progress", JsonArray(progress.toList().map { Json.parseToJsonElement(it) }))
    }
}

// Scenario steps: the driver runs the server and the receivers; the adapter makes each call with
// `Client` and answers the result as the scenario README shapes it.

private fun JsonObjectBuilder.json(key: String, text: String) = put(key, Json.parseToJsonElement(text))

private fun JobInfo.json() = buildJsonObject {
    put("id", id); put("kind", kind); put("status", status); put("progress_pct", progressPct.toInt())
    json("payload", payloadJson); put("callback_url", callbackUrl); put("secrecy_level", secrecyLevel)
    put("result_ref", resultRef)
    put("error", if (errorCode == null) JsonNull else buildJsonObject { put("code", errorCode); put("message", errorMessage) })
    put("created_at", createdAt); put("updated_at", updatedAt); put("started_at", startedAt); put("finished_at", finishedAt)
}

private fun WebhookEndpoint.json() = buildJsonObject {
    put("id", id); put("url", url); put("events", JsonArray(events.map { JsonPrimitive(it) })); put("name", name)
    put("status", status); put("secret", secret); put("created_at", createdAt); put("updated_at", updatedAt)
}

private fun Delivery.json() = buildJsonObject {
    put("id", id); put("event_id", eventId); put("event_type", eventType); put("endpoint_id", endpointId)
    put("url", url); put("status", status); put("next_attempt_at", nextAttemptAt)
    put("attempts", JsonArray(attempts.map { a ->
        buildJsonObject {
            put("attempt", a.attempt.toLong()); put("at", a.at); put("status_code", a.statusCode?.toInt())
            put("error", a.error); put("duration_ms", a.durationMs.toLong())
        }
    }))
}

private fun JsonObject.strings(key: String): List<String>? =
    (get(key) as? JsonArray)?.map { it.jsonPrimitive.content }

/** One scenario step through `Client`. */
private suspend fun step(request: JsonObject): JsonElement {
    val args = request["args"] as? JsonObject ?: JsonObject(emptyMap())
    val id = args.text("id") ?: ""
    val limit = args.number("limit")?.toUInt()
    return Client(request.text("api_key") ?: "", request.text("base_url") ?: "").use { client ->
        when (val op = request.text("op")) {
            "jobs.create" -> client.jobsCreate(args.getValue("kind").jsonPrimitive.content,
                args["payload"]?.takeIf { it != JsonNull }?.toString(), args.text("callback_url"),
                args.text("secrecy_level"), args.text("idempotency_key")).json()
            "jobs.get" -> client.jobsGet(id).json()
            "jobs.cancel" -> client.jobsCancel(id).json()
            "jobs.result" -> client.jobsResult(id).let {
                buildJsonObject { put("id", it.id); put("result_ref", it.resultRef); put("signed_url", it.signedUrl); put("expires_at", it.expiresAt) }
            }
            "jobs.download" -> Json.parseToJsonElement(String(client.jobsDownload(args.text("url") ?: ""), Charsets.UTF_8))
            "jobs.list" -> client.jobsList(args.text("kind"), args.text("status"), limit, args.text("cursor")).let {
                buildJsonObject {
                    put("jobs", JsonArray(it.jobs.map { j -> j.json() })); put("next_cursor", it.nextCursor)
                    put("total_count", it.totalCount.toLong())
                }
            }
            "jobs.list_all" -> client.jobsListAll(args.text("kind"), args.text("status"), limit).use { pages ->
                val jobs = mutableListOf<JsonElement>()
                while (true) jobs.add((pages.next() ?: break).json())
                buildJsonObject { put("count", jobs.size); put("jobs", JsonArray(jobs)) }
            }
            "jobs.wait" -> {
                val progress = Collections.synchronizedList(mutableListOf<Int>())
                val listener = object : ProgressListener {
                    override fun onProgress(job: JobInfo) {
                        progress.add(job.progressPct.toInt())
                    }
                }
                val job = client.jobsWait(id, (args.number("timeout_ms") ?: 15_000).toULong(), listener)
                buildJsonObject { put("job", job.json()); put("progress", JsonArray(progress.toList().map { JsonPrimitive(it) })) }
            }
            "webhooks.register" -> client.webhooksRegister(args.text("url") ?: "", args.strings("events"),
                args.text("secret"), args.text("name")).json()
            "webhooks.list" -> buildJsonObject { put("webhooks", JsonArray(client.webhooksList().map { it.json() })) }
            "webhooks.get" -> client.webhooksGet(id).json()
            "webhooks.update" -> client.webhooksUpdate(id, args.text("url"), args.strings("events"), args.text("name"),
                args.text("status")).json()
            "webhooks.delete" -> buildJsonObject { put("id", client.webhooksDelete(id)); put("deleted", true) }
            "webhooks.rotate_secret" -> client.webhooksRotateSecret(id).json()
            "webhooks.deliveries" -> buildJsonObject { put("deliveries", JsonArray(client.webhooksDeliveries(id).map { it.json() })) }
            else -> error("unknown op $op")
        }
    }
}

/** A delivery verified with `Webhook`: the event, or `ok: false` with why. */
private fun verify(args: JsonObject): JsonObject {
    val headers = args.getValue("headers").jsonArray.associate { pair ->
        pair.jsonArray[0].jsonPrimitive.content to pair.jsonArray[1].jsonPrimitive.content
    }
    val body = Base64.getDecoder().decode(args.text("body_b64") ?: "")
    return try {
        val event = Webhook(listOf(args.text("secret") ?: ""), args.text("scheme") ?: "").use { it.verify(body, headers) }
        buildJsonObject {
            put("ok", true)
            put("result", buildJsonObject {
                put("id", event.id); put("type", event.eventType); put("created_at", event.createdAt)
                json("data", event.dataJson); json("payload", event.payloadJson); put("scheme", event.scheme)
            })
        }
    } catch (e: HookwiseException) {
        buildJsonObject { put("ok", false); put("error", buildJsonObject { put("message", "${e.code()}: ${e.reason()}") }) }
    }
}
