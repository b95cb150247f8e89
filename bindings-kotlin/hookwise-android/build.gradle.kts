// dev.hookwise:hookwise-android: the shared sources in an AAR with JNA's AAR (its own native
// dispatch library per ABI) and libhookwise_ffi.so for arm64-v8a, armeabi-v7a and x86_64 under
// jniLibs (target/jniLibs/<abi>/, which `cargo ndk -o` writes in the release workflow).
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.serialization)
    alias(libs.plugins.maven.publish)
}

android {
    namespace = "dev.hookwise"
    compileSdk = 36
    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    sourceSets {
        getByName("main") {
            kotlin.srcDirs("../src/main/kotlin", "../target/generated-sources/uniffi")
            resources.srcDirs("../src/main/resources")
            jniLibs.srcDirs("../target/jniLibs")
        }
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    api("net.java.dev.jna:jna:${libs.versions.jna.get()}@aar") // JNA with its native part per ABI
    api(libs.kotlinx.coroutines.core)
    api(libs.kotlinx.serialization.json)
}

mavenPublishing {
    coordinates(artifactId = "hookwise-android")
    pom { name.set("hookwise (Android)") }
    publishToMavenCentral()
    signAllPublications()
}
