// The Gradle build of the published hookwise Kotlin artifacts (the Maven pom.xml beside it is the
// test build): `:hookwise-jvm` (dev.hookwise:hookwise, a JAR with plain JNA and the desktop native
// libraries as JNA resources) and `:hookwise-android` (dev.hookwise:hookwise-android, an AAR with
// JNA's AAR and the cargo-ndk libraries under jniLibs). Both compile the same sources: src/main
// here and the uniffi-generated Kotlin (target/generated-sources/uniffi), no copies.
// .github/workflows/mobile-release.yml builds the native parts and runs this build.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "hookwise-kotlin"
include(":hookwise-jvm", ":hookwise-android")
