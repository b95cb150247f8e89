package dev.hookwise

import dev.hookwise.sdk.Operation
import dev.hookwise.sdk.SdkJson
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.contentOrNull
import kotlinx.serialization.json.doubleOrNull
import kotlinx.serialization.json.encodeToJsonElement
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.longOrNull
import kotlinx.serialization.json.put
import kotlinx.serialization.serializer
import java.io.File
import java.lang.reflect.InvocationTargetException
import java.util.Base64
import java.util.Collections
import kotlin.math.abs
import kotlin.reflect.KFunction
import kotlin.reflect.KParameter
import kotlin.reflect.KType
import kotlin.reflect.KVisibility
import kotlin.reflect.full.callSuspend
import kotlin.reflect.full.callSuspendBy
import kotlin.reflect.full.findAnnotation
import kotlin.reflect.full.instanceParameter
import kotlin.reflect.full.memberFunctions
import kotlin.reflect.full.memberProperties
import kotlin.reflect.full.primaryConstructor
import kotlin.reflect.full.valueParameters
import kotlin.time.Duration.Companion.milliseconds

/**
 * The Kotlin adapter of the conformance driver (`tests/conformance/contracts/README.md`,
 * *Adapters*): one JSON request per line on stdin, one JSON answer per line on stdout. Contract
 * cases go through the SDKs `hookwise generate --lang kotlin` makes (their typed methods, see
 * [play]); scenario steps (`"suite": "scenario"`, `tests/conformance/README.md`)
 * through `Client`, and `webhook.verify` through `Webhook`.
 * Run by `hookwise-conformance --lang kotlin -- java -cp … dev.hookwise.ContractAdapterKt`.
 */
fun main() {
    while (true) {
        val line = readlnOrNull() ?: break
        if (line.isBlank()) continue
        val answer = try {
            val request = Json.parseToJsonElement(line).jsonObject
            when {
                request.text("suite") != "scenario" -> play(request)
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
}

/** `{kind, status, code, message, trace_id}`, all read on the base exception type but the kind. */
private fun errorJson(e: HookwiseException): JsonObject = buildJsonObject {
    put("kind", kindOf(e))
    put("status", e.status)
    put("code", e.code)
    put("message", e.reason)
    put("trace_id", e.traceId)
}

private fun JsonObject.text(key: String): String? = (get(key) as? JsonPrimitive)?.contentOrNull

private fun JsonObject.number(key: String): Long? = (get(key) as? JsonPrimitive)?.longOrNull

/** The generated client of each profile (`x-hookwise.kotlin`'s package and client, else the
 *  profile's name and `Client`), compiled into the tests from target/generated-sources/sdks. */
private val CLIENTS = mapOf(
    "hookwise" to "dev.hookwise.api.Client",
    "argus" to "com.knogin.argus.Client",
    "gabinete360" to "gabinete360.Client",
    "argyle" to "argyle.Client",
    "auggie" to "auggie.Client",
    "asg" to "asg.Client",
)

/** A call the generated client's typed method cannot express (in Kotlin, a compile error). */
private class Untyped(message: String) : Exception(message)

private fun camel(snake: String): String =
    snake.split('_').mapIndexed { i, w -> if (i == 0) w else w.replaceFirstChar(Char::uppercase) }.joinToString("")

/** The generated client for the case's profile, built with the case's options (a key absent is not passed). */
private fun client(profile: String, given: JsonObject): AutoCloseable {
    val type = Class.forName(CLIENTS.getValue(File(profile).nameWithoutExtension)).kotlin
    val constructor = type.primaryConstructor!!
    val options = mapOf(
        "apiKey" to given.text("api_key"),
        "username" to given.text("username"),
        "password" to given.text("password"),
        "baseUrl" to given.text("base_url"),
        "timeout" to given.number("timeout_ms")?.milliseconds,
        "maxRetries" to given.number("max_retries")?.toInt(),
        "initialRetryDelay" to given.number("initial_retry_delay_ms")?.milliseconds,
        "maxRetryDelay" to given.number("max_retry_delay_ms")?.milliseconds,
    ).filterValues { it != null }
    val parameters = constructor.parameters.associateBy { it.name }
    options.keys.firstOrNull { it !in parameters }?.let { throw Untyped("${type.simpleName} takes no option $it") }
    return unwrapped { constructor.callBy(options.mapKeys { parameters.getValue(it.key) }) } as AutoCloseable
}

/** A reflective call, with the exception its target threw rethrown as it is. */
private inline fun <T> unwrapped(call: () -> T): T = try {
    call()
} catch (e: InvocationTargetException) {
    throw e.cause ?: e
}

/** JSON numbers compare by value: a whole Double (`12.0`) is written as the integer it is. */
private fun normalized(e: JsonElement): JsonElement = when (e) {
    is JsonObject -> JsonObject(e.mapValues { normalized(it.value) })
    is JsonArray -> JsonArray(e.map { normalized(it) })
    is JsonPrimitive -> e.doubleOrNull?.takeIf { !e.isString && e.longOrNull == null && it == Math.rint(it) && abs(it) < 1e15 }
        ?.let { JsonPrimitive(it.toLong()) } ?: e
    else -> e
}

private fun encoded(type: KType, value: Any?): JsonElement =
    if (type.classifier == Unit::class) JsonNull else normalized(SdkJson.encodeToJsonElement(serializer(type), value))

/**
 * The generated method that calls [op] (its `@Operation`) in [mode], on [client] or one of its
 * resources (`client.jobs`), with the object it is called on: the flow of a list operation for
 * `paginate`, the method taking `onProgress` for `wait`, else the one-call method.
 */
private fun method(client: Any, op: String, mode: String): Pair<Any, KFunction<*>> {
    val resources = client::class.memberProperties.filter { it.visibility == KVisibility.PUBLIC }
        .mapNotNull { it.getter.call(client) }.filter { it::class.java.enclosingClass == client::class.java }
    for (receiver in listOf(client) + resources) {
        for (function in receiver::class.memberFunctions.filter { it.findAnnotation<Operation>()?.id == op }) {
            val kind = when {
                function.returnType.classifier == Flow::class -> "paginate"
                function.valueParameters.any { it.name == "onProgress" } -> "wait"
                else -> "call"
            }
            if (kind == mode) return receiver to function
        }
    }
    throw Untyped("no method of ${client::class.simpleName} calls $op ($mode)")
}

/**
 * A contract case through the generated SDK: the client of the case's profile, and its typed method
 * for the operation and mode ([method]), each argument decoded into the
 * parameter's type; the answer encoded back from the method's return type. `download` (not an
 * operation) is the client's `download(url)`.
 */
private fun play(request: JsonObject): JsonObject {
    val profile = request.getValue("profile").jsonPrimitive.content
    val op = request.getValue("op").jsonPrimitive.content
    val args = request["args"] as? JsonObject ?: JsonObject(emptyMap())
    val options = request["options"] as? JsonObject ?: JsonObject(emptyMap())
    val mode = request.getValue("mode").jsonPrimitive.content
    val progress = Collections.synchronizedList(mutableListOf<JsonElement>())
    val result = client(profile, options).use { client ->
        if (mode == "download") {
            val download = client::class.memberFunctions.single { it.name == "download" }
            val bytes = unwrapped { runBlocking { download.callSuspend(client, args.text("url") ?: "") } } as ByteArray
            return@use downloaded(bytes)
        }
        val (receiver, function) = method(client, op, mode)
        val parameters = function.valueParameters.associateBy { it.name!! }
        val call = mutableMapOf<KParameter, Any?>(function.instanceParameter!! to receiver)
        for ((wire, value) in args) {
            val parameter = parameters[camel(wire)] ?: throw Untyped("${function.name} has no parameter for $wire")
            call[parameter] = SdkJson.decodeFromJsonElement(serializer(parameter.type), value)
        }
        if (mode == "wait") {
            call[parameters.getValue("timeout")] = (request.number("timeout_ms") ?: 5000).milliseconds
            call[parameters.getValue("onProgress")] = { o: Any? -> progress.add(encoded(function.returnType, o)) }
        }
        function.valueParameters.firstOrNull { it !in call && !it.isOptional }
            ?.let { throw Untyped("${function.name} requires ${it.name}") }
        val answer = unwrapped { runBlocking { function.callSuspendBy(call) } }
        when (mode) {
            "paginate" -> {
                val item = function.returnType.arguments.single().type!!
                JsonArray(runBlocking { (answer as Flow<*>).toList() }.map { encoded(item, it) })
            }
            else -> encoded(function.returnType, answer)
        }
    }
    return buildJsonObject {
        put("ok", true)
        put("result", result)
        put("progress", JsonArray(progress.toList()))
    }
}

/** Downloaded bytes as the driver compares them: JSON if they are, else the text. */
private fun downloaded(bytes: ByteArray): JsonElement {
    val text = String(bytes, Charsets.UTF_8)
    return runCatching { Json.parseToJsonElement(text) }.getOrElse { JsonPrimitive(text) }
}

// Scenario steps: the driver runs the server and the receivers; the adapter makes each call with
// the generated hookwise SDK (profiles/hookwise.yaml) and answers the result as the scenario README
// shapes it, the SDK's models written back as JSON.

private inline fun <reified T> json(value: T): JsonElement = normalized(SdkJson.encodeToJsonElement(value))

private fun JsonObject.strings(key: String): List<String>? =
    (get(key) as? JsonArray)?.map { it.jsonPrimitive.content }

/** One scenario step through `dev.hookwise.api.Client`. */
private suspend fun step(request: JsonObject): JsonElement {
    val args = request["args"] as? JsonObject ?: JsonObject(emptyMap())
    val id = args.text("id") ?: ""
    val limit = args.number("limit")
    return dev.hookwise.api.Client(apiKey = request.text("api_key"), baseUrl = request.text("base_url")).use { client ->
        val jobs = client.jobs
        val webhooks = client.webhooks
        when (val op = request.text("op")) {
            "jobs.create" -> json(jobs.create(args.getValue("kind").jsonPrimitive.content,
                idempotencyKey = args.text("idempotency_key"), payload = args["payload"] as? JsonObject,
                callbackUrl = args.text("callback_url"), secrecyLevel = args.text("secrecy_level")))
            "jobs.get" -> json(jobs.get(id))
            "jobs.cancel" -> json(jobs.cancel(id))
            "jobs.result" -> json(jobs.result(id))
            "jobs.download" -> downloaded(client.download(args.text("url") ?: ""))
            "jobs.list" -> json(jobs.list(kind = args.text("kind"), status = args.text("status"), limit = limit,
                cursor = args.text("cursor")))
            "jobs.list_all" -> jobs.listAutoPaging(kind = args.text("kind"), status = args.text("status"), limit = limit).toList().let {
                buildJsonObject { put("count", it.size); put("jobs", json(it)) }
            }
            "jobs.wait" -> {
                val progress = Collections.synchronizedList(mutableListOf<Long>())
                val job = jobs.wait(id, (args.number("timeout_ms") ?: 15_000).milliseconds) { progress.add(it.progressPct) }
                buildJsonObject { put("job", json(job)); put("progress", json(progress.toList())) }
            }
            "webhooks.register" -> json(webhooks.register(args.text("url") ?: "", events = args.strings("events"),
                secret = args.text("secret"), name = args.text("name")))
            "webhooks.list" -> json(webhooks.list())
            "webhooks.get" -> json(webhooks.get(id))
            "webhooks.update" -> json(webhooks.update(id, url = args.text("url"), events = args.strings("events"),
                name = args.text("name"), status = args.text("status")))
            "webhooks.delete" -> json(webhooks.delete(id))
            "webhooks.rotate_secret" -> json(webhooks.rotateSecret(id))
            "webhooks.deliveries" -> json(webhooks.deliveries(id))
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
                put("data", Json.parseToJsonElement(event.dataJson)); put("payload", Json.parseToJsonElement(event.payloadJson)); put("scheme", event.scheme)
            })
        }
    } catch (e: HookwiseException) {
        buildJsonObject { put("ok", false); put("error", buildJsonObject { put("message", "${e.code}: ${e.reason}") }) }
    }
}
