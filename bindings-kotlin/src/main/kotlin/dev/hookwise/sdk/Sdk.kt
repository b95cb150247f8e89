// The runtime of the SDKs `hookwise generate --lang kotlin` writes: a generated client is typed
// calls into an [Engine] (the uniffi [Api], which runs every request: routing, auth, retries,
// idempotency keys, cursors, polling, errors as [dev.hookwise.HookwiseException]); this file only
// turns typed values into the JSON text the engine takes, and its answers back into types.
package dev.hookwise.sdk

import dev.hookwise.Api
import dev.hookwise.ApiOptions
import dev.hookwise.ApiProgressListener
import dev.hookwise.HookwiseException
import dev.hookwise.Profile
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.serialization.KSerializer
import kotlinx.serialization.SerializationException
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.serializer
import kotlin.time.Duration

/** How generated SDKs read and write JSON: unknown keys are ignored and a field that is absent or
 *  null is null (an API may answer fewer fields than its model); nulls are not written. */
val SdkJson: Json = Json {
    ignoreUnknownKeys = true
    explicitNulls = false
}

/** The profile a generated SDK ships as the resource `profile.yaml` beside [anchor]'s class. */
fun shippedProfile(anchor: Class<*>): Profile {
    val text = anchor.getResource("profile.yaml")?.readText()
        ?: error("profile.yaml is missing beside ${anchor.name}: the SDK's resources were not packaged")
    return Profile.fromText(text)
}

/** One call's named arguments, as the engine routes them; an argument passed as null is left out. */
class Args {
    @PublishedApi
    internal val values = LinkedHashMap<String, JsonElement>()

    /** Adds [value] under its wire [name] unless it is null. */
    inline fun <reified T> add(name: String, value: T): Args {
        if (value != null) values[name] = SdkJson.encodeToJsonElement(serializer<T>(), value)
        return this
    }

    /** The arguments as the JSON object text [Api] takes. */
    fun json(): String = JsonObject(values).toString()
}

/**
 * A generated client's engine: an [Api] for the SDK's profile with the client's options (a null
 * option takes the engine's default; credentials and the base URL not given come from the
 * environment, `<NAME>_API_KEY` / `<NAME>_BASE_URL`, then from the profile).
 */
class Engine(
    profile: Profile,
    apiKey: String? = null,
    username: String? = null,
    password: String? = null,
    baseUrl: String? = null,
    timeout: Duration? = null,
    maxRetries: Int? = null,
    initialRetryDelay: Duration? = null,
    maxRetryDelay: Duration? = null,
) : AutoCloseable {
    @PublishedApi
    internal val api = Api(
        profile,
        ApiOptions(
            username = username,
            baseUrl = baseUrl,
            timeout = timeout,
            maxRetries = maxRetries,
            initialRetryDelay = initialRetryDelay,
            maxRetryDelay = maxRetryDelay,
        ),
        apiKey = apiKey,
        password = password,
    )

    /** Calls [op] and decodes its answer as [T]. */
    suspend inline fun <reified T> call(op: String, args: Args): T = decode(serializer<T>(), api.call(op, args.json()))

    /** Calls [op], which answers nothing. */
    suspend fun execute(op: String, args: Args) {
        api.call(op, args.json())
    }

    /** Every item of every page of [op], a page fetched when the flow needs one. */
    inline fun <reified T> paginate(op: String, args: Args): Flow<T> = items(op, args, serializer<T>())

    @PublishedApi
    internal fun <T> items(op: String, args: Args, item: KSerializer<T>): Flow<T> = flow {
        api.paginate(op, args.json()).use { pages ->
            while (true) emit(decode(item, pages.next() ?: break))
        }
    }

    /** Polls [op] until a terminal status; [onProgress] sees the object at each change (one that
     *  does not decode is skipped there: the final answer reports it). */
    suspend inline fun <reified T> wait(op: String, args: Args, timeout: Duration, noinline onProgress: ((T) -> Unit)?): T =
        waitFor(op, args, timeout, onProgress, serializer<T>())

    @PublishedApi
    internal suspend fun <T> waitFor(op: String, args: Args, timeout: Duration, onProgress: ((T) -> Unit)?, type: KSerializer<T>): T {
        val listener = onProgress?.let { report ->
            object : ApiProgressListener {
                override fun onProgress(objectJson: String) {
                    runCatching { decode(type, objectJson) }.onSuccess(report)
                }
            }
        }
        return decode(type, api.wait(op, args.json(), timeout, listener))
    }

    /** Downloads [url] (absolute, such as a signed result link, or a path of the API); the
     *  credentials go only to the API's own origin. */
    suspend fun download(url: String): ByteArray = api.download(url)

    override fun close() = api.close()
}

/** An answer as [type]; one that does not fit is [HookwiseException.InvalidResponse], like any
 *  answer the engine cannot use. */
@PublishedApi
internal fun <T> decode(type: KSerializer<T>, text: String): T = try {
    SdkJson.decodeFromString(type, text)
} catch (e: SerializationException) {
    throw HookwiseException.InvalidResponse("invalid_response", "the answer is not a ${type.descriptor.serialName}: ${e.message}")
}

/** The API operation (its `operationId`) a generated method calls. */
@Target(AnnotationTarget.FUNCTION)
@Retention(AnnotationRetention.RUNTIME)
annotation class Operation(val id: String)
