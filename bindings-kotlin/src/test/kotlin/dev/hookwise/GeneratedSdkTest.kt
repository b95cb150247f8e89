package dev.hookwise

import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import kotlin.time.Duration.Companion.seconds

/** The generated SDKs (target/generated-sources/sdks) as a user writes them: typed calls, no
 *  reflection (ContractsTest plays every contract case through them by reflection). */
class GeneratedSdkTest {
    @Test
    fun hookwisesOwnSdkDrivesTheServer() = runBlocking {
        ServerProcess().use { server ->
            dev.hookwise.api.Client(apiKey = API_KEY, baseUrl = server.baseUrl).use { client ->
                val job = client.jobs.create("transcode", payload = buildJsonObject { put("input", "a.mp4"); put("duration_ms", 50) })
                assertEquals("transcode", job.kind)
                val seen = mutableListOf<Long>()
                val done = client.jobs.wait(job.id, 30.seconds) { seen.add(it.progressPct) }
                assertEquals("succeeded", done.status)
                assertEquals(100L, seen.last())
                assertTrue(client.jobs.listAutoPaging(limit = 1).toList().any { it.id == job.id })
                val endpoint = client.webhooks.register("https://example.com/hooks", events = listOf("job.succeeded"))
                assertNotNull(endpoint.secret)
                assertEquals(listOf("job.succeeded"), client.webhooks.get(endpoint.id).events)
                val missing = assertThrows<HookwiseException.NotFound> { runBlocking { client.jobs.get("job_missing") } }
                assertEquals(404, missing.status)
            }
        }
    }

    @Test
    fun aGeneratedWebhookIsBoundToItsScheme() {
        val body = """{"id":"evt_1","type":"research.completed","created_at":"2026-02-16T12:00:00Z","data":{"job_id":123}}""".toByteArray()
        val headers = auggie.Webhook("aug_secret").sign(body)
        val event = auggie.Webhook.constructEvent(body, headers.getValue("X-Auggie-Signature"), "aug_secret")
        assertEquals("research.completed" to "auggie", event.eventType to event.scheme)
        val refused = assertThrows<HookwiseException> { auggie.Webhook("other").verify(body, headers) }
        assertEquals("signature_mismatch", refused.code)
    }
}
