// `package` and `import` lines (plain, star, static, aliased) and annotations: on an import
// (`@Grab`), on a script field (`@Field`), on a class, a method and a method parameter,
// with no arguments, named arguments, and a list argument.
package com.example.sync

import groovy.json.JsonOutput
import java.util.*
import static java.lang.Math.max
import java.text.SimpleDateFormat as Fmt

@Grab(group = 'org.apache.commons', module = 'commons-lang3', version = '3.12.0')
import org.apache.commons.lang3.StringUtils

@Field String greeting = "hi"
@groovy.transform.Field
def counter = 0

@CompileStatic
class Audit {
    @Override
    String toString() { "Audit" }
}

@SuppressWarnings(["unchecked", "rawtypes"])
def helper(@Deprecated String s) { s }

println JsonOutput.toJson([greeting: greeting, max: max(1, 2)])
