// dev.hookwise:hookwise for the JVM: the shared sources, plain JNA, and the native library of each
// desktop platform as a JNA resource (target/jvm-natives/<os>-<arch>/, which the release workflow
// fills; JNA finds the one for the running platform on the classpath).
plugins {
    alias(libs.plugins.kotlin.jvm)
    alias(libs.plugins.kotlin.serialization)
    alias(libs.plugins.maven.publish)
}

kotlin {
    jvmToolchain(17)
}

sourceSets {
    main {
        kotlin.srcDirs("../src/main/kotlin", "../target/generated-sources/uniffi")
        resources.srcDirs("../src/main/resources", "../target/jvm-natives")
    }
}

dependencies {
    api(libs.jna)
    api(libs.kotlinx.coroutines.core)
    api(libs.kotlinx.serialization.json)
}

mavenPublishing {
    coordinates(artifactId = "hookwise")
    pom { name.set("hookwise (Kotlin/JVM)") }
    publishToMavenCentral()
    signAllPublications()
}
