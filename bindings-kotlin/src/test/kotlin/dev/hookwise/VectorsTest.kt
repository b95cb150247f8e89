package dev.hookwise

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.util.Base64
import kotlin.time.Duration.Companion.seconds

/** Every conformance vector through the uniffi layer (the one Swift uses too). */
class VectorsTest {
    private val b64 = Base64.getDecoder()

    private fun cases(file: File): List<JSONObject> = JSONArray(file.readText()).let { a -> (0 until a.length()).map { a.getJSONObject(it) } }

    /** JSON equality of a value parsed from the event's text and the vector's value. */
    private fun sameJson(text: String, expected: Any): Boolean {
        val got = JSONArray("[$text]").get(0)
        return JSONArray().put(got).similar(JSONArray().put(expected))
    }

    /** A verifier for a vector: its secrets, tolerance (seconds) and payload limit. */
    private fun interface Verifier {
        fun make(secrets: List<String>, tolerance: Long?, maxPayloadBytes: Long?): Webhook
    }

    /** Why vector [c] is not met by the webhook [verifier] makes, or null when it is. */
    private fun check(c: JSONObject, verifier: Verifier): String? {
        val secrets = c.getJSONArray("secrets").let { a -> (0 until a.length()).map { a.getString(it) } }
        val headers = c.getJSONObject("headers").let { h -> h.keySet().associateWith { h.getString(it) } }
        val expect = c.getJSONObject("expect")
        val outcome: Any = try {
            val hook = verifier.make(
                secrets,
                if (c.isNull("tolerance")) null else c.getLong("tolerance"),
                if (c.isNull("max_payload_bytes")) null else c.getLong("max_payload_bytes"),
            )
            hook.verify(b64.decode(c.getString("body_b64")), headers, c.getLong("now"))
        } catch (e: HookwiseException) {
            e.code
        }
        if (!expect.getBoolean("ok")) {
            return if (outcome == expect.getString("error")) null else "got $outcome, expected ${expect.getString("error")}"
        }
        val event = outcome as? Event ?: return "refused with $outcome"
        val want = expect.getJSONObject("event")
        val same = event.id == want.optString("id", null) && event.eventType == want.optString("type", null) &&
            event.createdAt == want.optString("created_at", null) && event.scheme == want.getString("scheme") &&
            event.unsignedFields == want.getJSONArray("unsigned_fields").toList() &&
            sameJson(event.dataJson, want.get("data")) && sameJson(event.payloadJson, want.get("payload"))
        return if (same) null else "event differs: $event"
    }

    @Test
    fun everySignatureVector() {
        val skip = xfail()
        val all = File(SUITE, "vectors/signatures").listFiles()!!.sorted().flatMap { cases(it) }
        val problems = all.mapNotNull { c ->
            val id = c.getString("id")
            val scheme = c.get("scheme").let { if (it is String) it else it.toString() }
            val why = check(c) { secrets, tolerance, max -> Webhook(secrets, scheme, tolerance?.seconds, max) }
            when {
                id in skip && why == null -> "$id: listed in xfail/kotlin.txt but passes"
                id !in skip && why != null -> "$id (${c.getString("name")}): $why"
                else -> null
            }
        }
        assertEquals(emptyList<String>(), problems)
        assertTrue(all.size > 600)
    }

    /** The `Webhook` of each SDK generated from profiles/ (compiled into the tests), bound to
     *  its profile's scheme: every vector of that scheme, through it. */
    @Test
    fun everyGeneratedWebhookMeetsItsSchemesVectors() {
        val generated: Map<String, Verifier> = mapOf(
            dev.hookwise.api.Webhook.SCHEME to Verifier { s, t, m -> dev.hookwise.api.Webhook(s, t?.seconds, m) },
            com.knogin.argus.Webhook.SCHEME to Verifier { s, t, m -> com.knogin.argus.Webhook(s, t?.seconds, m) },
            gabinete360.Webhook.SCHEME to Verifier { s, t, m -> gabinete360.Webhook(s, t?.seconds, m) },
            argyle.Webhook.SCHEME to Verifier { s, t, m -> argyle.Webhook(s, t?.seconds, m) },
            auggie.Webhook.SCHEME to Verifier { s, t, m -> auggie.Webhook(s, t?.seconds, m) },
            asg.Webhook.SCHEME to Verifier { s, t, m -> asg.Webhook(s, t?.seconds, m) },
        )
        assertEquals(6, generated.size, "each profile has a scheme of its own")
        val skip = xfail()
        val played = File(SUITE, "vectors/signatures").listFiles()!!.sorted().flatMap { cases(it) }
            .filter { c -> c.get("scheme") in generated && c.getString("id") !in skip }
        val problems = played.mapNotNull { c ->
            check(c, generated.getValue(c.getString("scheme")))?.let { "${c.getString("id")} (${c.getString("scheme")}): $it" }
        }
        assertEquals(emptyList<String>(), problems)
        assertEquals(generated.keys, played.map { it.getString("scheme") }.toSet())
        assertTrue(played.size > 300)
    }

    @Test
    fun everyCanonicalVector() {
        val all = cases(File(SUITE, "vectors/canonical.json"))
        val problems = all.mapNotNull { c ->
            val input = b64.decode(c.getString("input_b64"))
            val expect = c.getJSONObject("expect")
            try {
                val out = canonicalize(input)
                when {
                    !expect.getBoolean("ok") -> "${c.getString("id")}: accepted, CPython refuses it"
                    !out.contentEquals(b64.decode(expect.getString("canonical_b64"))) -> "${c.getString("id")}: different bytes"
                    else -> null
                }
            } catch (e: HookwiseException.InvalidJson) {
                if (expect.getBoolean("ok")) "${c.getString("id")}: refused, CPython accepts it" else null
            }
        }
        assertEquals(emptyList<String>(), problems)
        assertTrue(all.size >= 300)
    }

    @Test
    fun errorsAreTypedAndSigningRoundTrips() {
        val hook = Webhook(listOf("k"), "github")
        val body = """{"a":1}""".toByteArray()
        val headers = hook.sign(body)
        assertEquals("github", hook.verify(body, headers).scheme)
        val e = runCatching { hook.verify("""{"a":2}""".toByteArray(), headers) }.exceptionOrNull()
        assertTrue(e is HookwiseException.SignatureMismatch)
        assertEquals("signature_mismatch", (e as HookwiseException).code)
        val stripe = Webhook(listOf("whsec_x"), "stripe").sign(body, null, 1_700_000_000)
        assertEquals("stripe", constructEvent(body, stripe.getValue("Stripe-Signature"), "whsec_x", "stripe", null, 1_700_000_000).scheme)
    }
}
