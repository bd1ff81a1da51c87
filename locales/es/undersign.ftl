# undersign: las palabras del sitio, en español.
# Traducción pendiente de revisión por una persona hablante nativa.

## El idioma: su nombre en sí mismo y su dirección (ltr o rtl).

language-name = Español
language-direction = ltr

# The shipped languages named as a sentence of this language names them.
language-name-of-en = inglés
language-name-of-es = español
language-name-of-fa = persa
language-name-of-ru = ruso
language-name-of-zh-Hans = chino simplificado

## Rechazos y errores.

not-found-heading = Página no encontrada
not-found = No hay ninguna página en esta dirección.
method-heading = No es posible aquí
method = Esta dirección no admite ese tipo de petición.
bad-page-number-heading = Número de página incorrecto
bad-page-number = El número de página debe ser un número entero, 1 o mayor.
no-such-page-heading = No existe esa página
no-such-page = Esta lista tiene menos páginas.
search-too-long-heading = Búsqueda demasiado larga
search-too-long = Busque como máximo 100 caracteres.
scan-failed-heading = No disponible en este momento
scan-failed = No se pudo leer esta lista en este momento. Vuelva a intentarlo dentro de unos minutos.
busy-heading = Ocupado en este momento
busy = Muchas personas están buscando en la lista o descargándola en este momento. Vuelva a intentarlo en unos segundos. La firma no se ve afectada.
snapshot-not-ready-heading = Aún sin firmar
snapshot-not-ready = La primera instantánea firmada de la lista se está preparando. Vuelva a intentarlo dentro de un minuto.
not-a-form-heading = Formulario no comprendido
not-a-form = Envíe el formulario desde la página de este sitio.
form-too-large-heading = Formulario demasiado grande
form-too-large = El formulario enviado superaba los 16 KiB. Acorte lo que escribió.
form-too-slow-heading = Formulario demasiado lento
form-too-slow = El formulario tardó demasiado en llegar. Envíelo de nuevo.
form-incomplete-heading = Formulario incompleto
form-incomplete = El formulario no llegó completo. Envíelo de nuevo.
form-ambiguous-heading = Formulario no comprendido
form-repeated = El formulario nombraba un campo más de una vez, así que no está claro qué se quería decir. Envíe el formulario desde la página de este sitio.
form-not-text = El formulario contenía bytes que no son texto. Escriba de nuevo sus datos y envíe el formulario desde la página de este sitio.
bad-request-heading = Petición no comprendida
no-host = La petición no indicaba, exactamente una vez, a qué sitio va dirigida. Abra la dirección del sitio en un navegador.
bad-host = La petición nombraba su sitio de una forma que no es una dirección. Abra la dirección del sitio en un navegador.
bad-target = La dirección pedida contiene bytes que no son texto. Compruebe la dirección.
header-too-large-heading = Petición demasiado grande
header-too-large = Una línea de la petición superaba los 8 KiB. Abra la dirección del sitio en un navegador.
bad-framing = La petición indicaba su longitud de dos maneras a la vez, así que no está claro dónde termina.
bad-syntax = La petición no es HTTP bien formado. Abra la dirección del sitio en un navegador.
wrong-host = Esta consola solo responde a su propia dirección. Ábrala en la dirección que le dieron.
honeypot-heading = Formulario no aceptado
honeypot = Se rellenó un campo que debía quedar vacío. Si usa una herramienta de autocompletado, vacíe ese campo y envíe el formulario de nuevo.
token-forged-heading = Formulario no reconocido
token-forged = Este formulario no lo sirvió este sitio, o se modificó por el camino. Use el formulario de abajo.
token-expired-heading = Formulario caducado
token-expired = Este formulario tiene más de un día. Envíelo de nuevo con el formulario nuevo de abajo.
too-fast-heading = Demasiado rápido
too-fast = El formulario volvió más rápido de lo que una persona puede rellenarlo. Espere unos segundos y envíelo de nuevo.
check-form-heading = Revise el formulario
throttled-heading = Espere, por favor
throttled = Están llegando demasiadas firmas desde su conexión o en total. Espere un minuto y envíe el formulario de nuevo.
token-used-heading = Ya se firmó con este formulario
token-used = Este formulario ya se envió y su firma está registrada. Para firmar por otra persona, abra de nuevo la carta y obtendrá un formulario nuevo.
duplicate-heading = Ya ha firmado
duplicate-organization = Una organización llamada «{ $name }» ya ha firmado la carta.
duplicate-company = Una empresa llamada «{ $name }» ya ha firmado la carta.
duplicate-individual = Una persona llamada «{ $name }» ya ha firmado la carta.
queue-full-heading = Vuelva más tarde
queue-full = Hay muchas firmas esperando revisión en este momento. Envíe el formulario de nuevo más tarde.
paused-heading = La firma está en pausa
paused = Los organizadores han pausado la firma por ahora. Vuelva más tarde; sus datos se conservan abajo.
closed-heading = La carta está cerrada
closed = Esta carta ya no admite firmas.
not-saved-heading = No guardado
not-saved = Su firma no se pudo guardar en este momento, así que no quedó registrada. Envíe el formulario de nuevo dentro de unos minutos.
signing-stopped-heading = La firma no está disponible
signing-stopped = Ahora mismo no se pueden registrar firmas, así que la suya no se registró. Se ha avisado a los organizadores; vuelva más tarde.
withdraw-code-missing = Introduzca su código de retirada.
withdraw-code-unknown = Ninguna firma tiene este código de retirada. Compruebe si hay errores de escritura; una firma ya retirada ya no existe.
withdraw-failed-heading = No se hizo
withdraw-failed = La firma no se pudo eliminar en este momento. Vuelva a intentarlo dentro de unos minutos.
withdraw-stopped-heading = La retirada no está disponible
withdraw-stopped = Ahora mismo no se pueden eliminar firmas, así que la suya sigue ahí. Se ha avisado a los organizadores; vuelva más tarde.
signed-out-heading = Sesión cerrada
signed-out = Su sesión ha terminado. Inicie sesión de nuevo.
no-such-signature-heading = No existe esa firma
no-such-signature = Puede que se haya rechazado, eliminado o retirado.
bad-login = Ese nombre y esa contraseña no coinciden. Cada intento fallido hace esperar más al siguiente.
sign-in-busy = Hay demasiados intentos de inicio de sesión en espera, así que este no se comprobó. Espere un minuto y vuelva a intentarlo.
console-unreadable = No se pudo leer el almacén en este momento; el registro del servidor dice por qué. Vuelva a intentarlo y, si persiste, consulte en el README cómo restaurar el almacén.
csrf-heading = Formulario no aceptado
csrf = Este formulario no procede de su sesión actual. Vuelva atrás, recargue la página e inténtelo de nuevo.
not-done-heading = No se hizo
choose-reason = Elija un motivo para rechazar.
confirm-close = Para cerrar la carta definitivamente, marque la casilla que lo confirma.
select-one = Seleccione al menos una firma.
unknown-action = Acción desconocida.
console-not-saved = El cambio no se pudo escribir en el disco. No se cambió nada; vuelva a intentarlo.

## Los campos del formulario y lo que puede estar mal en uno (tras su etiqueta).

label-name = Nombre
label-kind = Firma como
label-affiliation = Cargo, empleador o ciudad
label-country = País
field-required = El campo «{ $field }» es obligatorio.
field-no-letter = El campo «{ $field }» debe contener al menos una letra.
field-too-long = El campo «{ $field }» es demasiado largo: como máximo { $max } caracteres.
field-too-many-marks = El campo «{ $field }» tiene demasiados acentos apilados sobre una letra.
field-unknown-kind = «{ $field }»: elija persona, organización o empresa.

## Los tipos de firmante.

kind-plural-organization = Organizaciones
kind-plural-company = Empresas
kind-plural-individual = Personas
kind-lower-organization = organizaciones
kind-lower-company = empresas
kind-lower-individual = personas
kind-article-organization = una organización
kind-article-company = una empresa
kind-article-individual = una persona
kind-singular-organization = organización
kind-singular-company = empresa
kind-singular-individual = persona
kind-count-organization = { $count ->
    [one] { $count } organización
   *[other] { $count } organizaciones
}
kind-count-company = { $count ->
    [one] { $count } empresa
   *[other] { $count } empresas
}
kind-count-individual = { $count ->
    [one] { $count } persona
   *[other] { $count } personas
}
kind-all-organization = Las { $count } organizaciones
kind-all-company = Las { $count } empresas
kind-all-individual = Las { $count } personas
kinds-reviewed = { $kinds ->
    [organization] Las firmas de organizaciones las revisa una persona moderadora antes de publicarse.
    [company] Las firmas de empresas las revisa una persona moderadora antes de publicarse.
    [individual] Las firmas de personas las revisa una persona moderadora antes de publicarse.
    [organization-company] Las firmas de organizaciones y de empresas las revisa una persona moderadora antes de publicarse.
    [organization-individual] Las firmas de organizaciones y de personas las revisa una persona moderadora antes de publicarse.
    [company-individual] Las firmas de empresas y de personas las revisa una persona moderadora antes de publicarse.
   *[organization-company-individual] Todas las firmas las revisa una persona moderadora antes de publicarse.
}

## Todas las páginas.

skip-to-content = Saltar al contenido
verified-title = verificado por los organizadores
nav-site = Sitio
nav-languages = Idiomas
nav-pages = Páginas
the-letter = La carta
search-signatories = Buscar firmantes
withdraw-a-signature = Retirar una firma
privacy = Privacidad
open-data = Datos abiertos:
back-to-letter = Volver a la carta

## La página de la carta y su formulario.

required = (obligatorio)
optional = (opcional)
show-my-name = Mostrar mi nombre en la lista pública. Sin marcar, su firma se cuenta pero su nombre nunca se muestra ni se exporta.
honeypot-label = Deje este campo vacío
sign-the-letter = Firmar la carta
counts-total = { $count ->
    [0] Aún no hay firmas.
    [one] { $count } firma
   *[other] { $count } firmas
}
counts-join = : { $organization }, { $company }, { $individual }.
more-await-review = { $count ->
    [one] { $count } más espera revisión.
   *[other] { $count } más esperan revisión.
}
have-signed = { $count ->
    [0] Aún no ha firmado nadie. Sea la primera persona: firme la carta ↓
    [one] { $count } persona ha firmado. Firme la carta ↓
   *[other] { $count } han firmado. Firme la carta ↓
}
review-note = Las personas aparecen en la lista de inmediato. Las organizaciones y empresas se muestran cuando una persona moderadora las ha comprobado.
privacy-note = No guardamos ninguna dirección, datos del navegador ni hora del día.
what-we-store = Qué guardamos
signing-paused = La firma está en pausa
paused-notice = Los organizadores han pausado la firma por ahora. Vuelva más tarde.
letter-closed = Esta carta está cerrada
closed-on = { $count ->
    [0] Se cerró el { $day } sin ninguna firma.
    [one] Se cerró el { $day } con un recuento final de { $count } firma.
   *[other] Se cerró el { $day } con un recuento final de { $count } firmas.
}
signatories = Firmantes
find-a-name = Buscar un nombre
search = Buscar
translation-note = Esto es una traducción. El original, en { $language }, es el texto que hace fe.
read-the-original = Leer el original
untranslated-note = Esta carta aún no se ha traducido a este idioma. Se muestra el original, en { $language }.

## Listas y búsqueda.

kind-title = { $kind } ({ $count })
previous = ← Anterior
next = Siguiente →
page-of = Página { $page } de { $pages }
type-part-of-name = Escriba parte de un nombre. No importan las mayúsculas ni los acentos.
no-match = Ningún firmante publicado coincide con { $query }.
found = { $count } encontrados.
found-more = { $count }+ encontrados.
browse = Ver:

## Firmar y retirar.

thank-you = Gracias
thank-you-heading = Gracias por firmar
recorded-as = Su firma como { $name } está registrada.
now-published = Su nombre ya está publicado en la carta.
counted-not-shown = Se cuenta, y su nombre no se mostrará ni se exportará.
awaits-review-published = Espera la revisión de una persona moderadora antes de publicarse.
awaits-review-counted = Espera la revisión de una persona moderadora antes de contarse.
your-withdrawal-code = Su código de retirada
keep-this-code = Guarde este código si quizá quiera retirar su firma más adelante. Solo se muestra esta vez; guardamos solo una forma cifrada de él, así que no podemos volver a mostrárselo.
enter-code = Introduzca el código de retirada que se le mostró al firmar. La firma se elimina definitivamente.
withdrawal-code = Código de retirada
withdraw-mine = Retirar mi firma
signature-withdrawn = Firma retirada
your-signature-withdrawn = Su firma está retirada
removed-everywhere = Se ha eliminado de la carta, de los recuentos y de los datos abiertos, y de nuestro almacén.
problem-with-form = Hay un problema con el formulario:
entries-kept = Sus datos se conservan abajo; corríjalos si hace falta y envíe el formulario de nuevo.

## La página de privacidad.

store-name = Lo que escribe en el formulario: su nombre, si firma como persona, organización o empresa y, si los da, su cargo, empleador o ciudad y su país.
store-listed = Si su nombre puede mostrarse. Si no, su firma se cuenta pero su nombre nunca se muestra ni se exporta.
store-day = El día (no la hora) en que firmó.
store-code-hash = Una forma cifrada de su código de retirada, para que pueda retirar su firma; no el código en sí.
store-nonce = Un número del formulario que usó (su lugar en el orden en que el servidor entregó los formularios, y cifras aleatorias; ninguna hora), para que un formulario no pueda firmar dos veces; se olvida al cabo de uno o dos días.
kept-until = Su firma se conserva hasta que usted la retire o los organizadores la eliminen. Los nombres publicados aparecen en este sitio y en sus datos abiertos (JSON y CSV), que cualquiera puede copiar.
what-we-never-store = Qué no guardamos nunca
never-address = Su dirección IP ni su circuito de Tor.
never-browser = Su navegador, su configuración o su agente de usuario, ni la página de la que viene.
never-time = La hora del día en que visitó o firmó.
never-cookies = Cookies: este sitio no usa ninguna. No ejecuta JavaScript y no carga nada de ningún otro sitio.
no-access-log = El servidor no guarda ningún registro de accesos.
snapshots-heading = Instantáneas firmadas y copias
snapshots-intro = Este sitio firma una instantánea de su lista pública: la carta, los nombres publicados que pueden mostrarse y los recuentos, con el día (no la hora) en que se firmó. Cualquiera puede copiarla, por ejemplo para mantener un espejo de este sitio; cualquiera puede comprobar que una copia es la del sitio, sin cambios, con el programa minisign y la clave pública de este sitio:
snapshots-download = Descargue estos dos archivos en una misma carpeta:
snapshots-run = y después ejecute:
snapshots-prove = Una instantánea firmada demuestra lo que contenía la lista ese día, y se firma una nueva al menos cada pocos días.
snapshots-hold-nothing = Las instantáneas no contienen nada que este sitio no muestre: ni nombres pendientes de revisión, ni nombres que no pueden mostrarse, ni nada sobre retiradas o sobre los moderadores.
withdraw-copies-strong = Retirar una firma la elimina aquí y de todas las instantáneas firmadas después, pero no de las copias hechas antes.
withdraw-copies-rest = Los espejos y las copias hechos antes de una retirada pueden seguir mostrando el nombre, y una instantánea firmada antes sigue demostrando que el nombre estaba en la lista ese día.
disclaimer = Aviso legal

## Mirrors
mirror-not-ready-heading = Aún sin copiar
mirror-not-ready = Este espejo todavía no ha descargado ni verificado una instantánea de la carta desde su origen. Vuelva a intentarlo dentro de unos minutos.
mirror-title = Un espejo de { $origin }
mirror-of = Esta es una copia espejo de
mirror-as-of = , a fecha de { $day } (instantánea { $seq }). Solo se firma en el origen:
mirror-sign-there = firme la carta allí
mirror-stale = La instantánea de esta copia caducó el { $day }: este espejo no puede confirmar que la lista esté al día.
mirror-refused-unreachable = Este espejo no pudo conectar con su origen en su última actualización, así que sigue mostrando su última instantánea verificada.
mirror-refused-too-large = La instantánea más reciente del origen es mayor de lo que este espejo acepta, así que sigue mostrando su última instantánea verificada.
mirror-refused-bad-signature = La instantánea más reciente del origen no superó la comprobación de su firma: se modificó después de firmarse. Este espejo sigue mostrando su última instantánea verificada.
mirror-refused-wrong-key = La instantánea más reciente del origen está firmada con otra clave que la que este espejo reconoce, así que sigue mostrando su última instantánea verificada.
mirror-refused-malformed = La instantánea más reciente del origen no es una instantánea bien formada, así que este espejo sigue mostrando su última instantánea verificada.
mirror-refused-other-letter = La instantánea más reciente del origen es de otra carta, así que este espejo sigue mostrando su última instantánea verificada.
mirror-refused-rollback = El origen ofreció la instantánea { $found }, anterior a la instantánea { $trusted } que este espejo ya tiene (una vuelta atrás), así que sigue mostrando su última instantánea verificada.
mirror-refused-equivocation = El origen firmó dos listas distintas como instantánea { $seq }. Este espejo guarda ambas como prueba y sigue mostrando la que verificó primero.
mirror-refused-fork = La instantánea { $seq } del origen no sigue a la que tiene este espejo: el origen firmó otra lista con un número anterior. Este espejo sigue mostrando su última instantánea verificada.
mirror-refused-expired = La instantánea más reciente del origen caducó el { $expires } y no ha firmado ninguna más nueva, así que este espejo sigue mostrando su última instantánea verificada.
mirror-none-unreachable = Este espejo aún no ha podido conectar con su origen, así que todavía no tiene ninguna copia de la carta que mostrar. Lo sigue intentando; la carta está en { $origin }.
mirror-none-refused = Este espejo no tiene ninguna copia de la carta que mostrar: la instantánea que ofrece su origen no superó las comprobaciones de este espejo, y esperar no lo cambiará hasta que actúe quien lo administra. La carta está en { $origin }.
mirror-takes-no-signatures = Este espejo no recoge firmas.
mirror-sign-at = Firmar la carta en { $origin }
withdraw-at-the-origin = Retirar una firma (en el origen)
mirror-privacy-intro = Este espejo muestra una instantánea firmada de la lista publicada en
mirror-privacy-rest = . No recoge firmas y no guarda nada sobre sus visitantes: ni direcciones, ni datos del navegador, ni la hora de la visita, ni cookies, ni registro de accesos. No ejecuta JavaScript y no carga nada de ningún otro sitio.
mirror-checking-heading = Cómo comprobar esta copia
mirror-signed-by = La instantánea que muestra está firmada con la clave del origen:
mirror-download = Descargue
mirror-download-and = y
mirror-download-then-run = en una misma carpeta y ejecute
mirror-withdrawal-reaches = Una retirada llega a este espejo en su siguiente actualización, no antes.

## La consola de moderación (un idioma por instalación: `admin_language`).

console-moderation = Moderación
console-queue = Cola de revisión
console-published = Publicadas
console-audit = Registro
console-signed-in-as = Sesión iniciada como
console-sign-out = Cerrar sesión
console-reason = Motivo
console-choose-reason = motivo…
console-sign-in-title = Iniciar sesión
console-sign-in-heading = Moderación: iniciar sesión
console-no-moderators = Aún ninguna persona moderadora tiene contraseña. Para establecer una, ejecute esto en el servidor:
console-moderator = Persona moderadora
console-passphrase = Contraseña
console-sign-in = Iniciar sesión
console-overview = Resumen
console-kind = Tipo
console-listed = De ellas, visibles
console-awaiting = En espera de revisión
console-signing = Firmas
console-signing-open = La recogida de firmas está abierta.
console-pause = Pausar la recogida de firmas
console-signing-paused = La recogida de firmas está en pausa: el formulario público lo indica.
console-resume = Reanudar la recogida de firmas
console-closed-on = { $count ->
    [0] La carta se cerró el { $day } sin ninguna firma.
    [one] La carta se cerró el { $day } con { $count } firma.
   *[other] La carta se cerró el { $day } con { $count } firmas.
}
console-closing-heading = Cerrar la carta
console-closing-note = El cierre es definitivo: la página muestra el recuento final y no acepta más firmas.
console-close = Cerrar la carta definitivamente
console-confirm-close = Sí, cerrarla: ninguna firma más, nunca
console-retention = Conservación
console-purged = Los campos privados se borraron.
console-purge-on = El { $day } ({ $days } días después del cierre) se borran definitivamente: { $codes ->
    [one] { $codes } código de retirada
   *[other] { $codes } códigos de retirada
}, { $tokens ->
    [one] { $tokens } ficha de formulario usada
   *[other] { $tokens } fichas de formulario usadas
}, y la afiliación y el país de { $unlisted ->
    [one] { $unlisted } firmante no visible.
   *[other] { $unlisted } firmantes no visibles.
}
console-purge-after = { $days } días después del cierre de la carta se borran definitivamente: { $codes ->
    [one] { $codes } código de retirada
   *[other] { $codes } códigos de retirada
}, { $tokens ->
    [one] { $tokens } ficha de formulario usada
   *[other] { $tokens } fichas de formulario usadas
}, y la afiliación y el país de { $unlisted ->
    [one] { $unlisted } firmante no visible.
   *[other] { $unlisted } firmantes no visibles.
}
console-names-leave = Entonces los nombres de las firmas rechazadas también salen del registro (los de las eliminadas y retiradas salen en el acto); qué se hizo, por qué y qué día se conservan.
console-all = todos
console-flag = Marca
console-any = cualquiera
console-filter = Filtrar
console-nothing-waits = Aquí no hay nada en espera de revisión.
console-select = Seleccionar
console-name = Nombre
console-affiliation = Afiliación
console-country = País
console-flags = Marcas
console-day = Día
console-unlisted = (no visible)
console-approve-selected = Aprobar las seleccionadas
console-or = o
console-reject-selected = Rechazar las seleccionadas
console-older = Más antiguas →
console-signature-title = Firma n.º { $id }
console-verified = ✓ verificada
console-shown-publicly = Visible públicamente
console-yes = sí
console-counted-only = no (solo se cuenta)
console-state = Estado
console-state-published = publicada
console-state-pending = en espera de revisión
console-none = ninguna
console-arrived = Llegó
console-looks-like = Se parece a
console-approve = Aprobar
console-reject = Rechazar
console-unpublish = Retirar de la publicación (vuelve a la cola)
console-unverify = Quitar la marca de verificada
console-verify = Marcar como verificada
console-edit-heading = Editar lo que se muestra
console-save = Guardar
console-delete-heading = Eliminar
console-delete-note = Elimina la firma definitivamente, como cuando quien firmó pide que se retire.
console-delete-for-good = Eliminar definitivamente
console-published-title = Publicadas: { $kind }
console-none-on-page = Ninguna en esta página.
console-audit-note = Lo que hicieron las personas moderadoras, de lo más reciente a lo más antiguo. Nombra a moderadores y firmas, nunca a visitantes.
console-action = Acción
console-signature = Firma
console-back = Volver a la consola
console-done = { $action ->
    [approve] { $count ->
        [one] Se aprobó { $count } firma: ya está publicada.
       *[other] Se aprobaron { $count } firmas: ya están publicadas.
    }
    [reject] { $count ->
        [one] Se rechazó { $count } firma.
       *[other] Se rechazaron { $count } firmas.
    }
    [pause] La firma está en pausa.
    [resume] La firma vuelve a estar abierta.
    [close] La carta está cerrada.
    [edit] Guardado.
    [verify] Marcada como verificada.
    [unverify] Se quitó la marca de verificada.
    [unpublish] Retirada de la publicación: vuelve a la cola de revisión.
    [delete] Eliminada definitivamente.
   *[other] Hecho.
}

## Marcas de una firma: un nombre corto y lo que significa.

flag-duplicate = duplicada
flag-about-duplicate = el mismo nombre ya firmó antes
flag-look-alike = parecida
flag-about-look-alike = se parece al nombre de otro firmante
flag-mixed-script = escrituras mezcladas
flag-about-mixed-script = mezcla letras de distintas escrituras
flag-url = dirección web
flag-about-url = contiene una dirección web
flag-formula = fórmula
flag-about-formula = empieza como una fórmula de hoja de cálculo

## Motivos para rechazar una firma.

reason-fake = falsa
reason-duplicate = duplicada
reason-offensive = ofensiva
reason-spam = spam
reason-other = otro

## El registro: lo que hizo una persona moderadora.

audit-approved = aprobó
audit-rejected = rechazó ({ $reason })
audit-edited = editó (antes «{ $previous }»)
audit-verified = verificó
audit-unverified = quitó la verificación
audit-unpublished = retiró de la publicación
audit-deleted = eliminó
audit-signing-opened = abrió la recogida de firmas
audit-signing-paused = pausó la recogida de firmas
audit-letter-closed = cerró la carta
audit-imported = importó { $what }
audit-purged = borró los campos privados

## letter

letter-amended-on = Esta carta se modificó el { $day }.
letter-earlier-versions = Versiones anteriores de esta carta
letter-version-from = Versión { $number }, vigente desde el { $day }
letter-version-not-here = Esta copia no contiene su texto. Su resumen SHA-256 es { $digest }.
console-letter-version = Versión de la carta

## replica

origin-unreachable-heading = No se puede contactar con el servidor de la carta
sign-origin-unreachable = Esta copia de la carta transmite las firmas al servidor propio de la carta, con el que ahora mismo no se puede contactar. No se ha registrado nada ni se ha guardado nada aquí. Vuelva a enviar el formulario dentro de un minuto.
withdraw-origin-unreachable = Esta copia de la carta transmite las retiradas al servidor propio de la carta, con el que ahora mismo no se puede contactar. Todavía no se ha eliminado nada. Vuelva a intentarlo dentro de un minuto con el mismo código.
replica-name-soon = Esta copia de la carta muestra los nombres nuevos en menos de { $seconds ->
        [one] un segundo
       *[other] { $seconds } segundos
    }: si el suyo es público y aún no aparece aquí, aparecerá pronto.

## proof: organisations and companies prove their signature from their own website.

proven-by = acreditada por { $domain }
label-website = Sitio web
website-about = Solo organizaciones y empresas: el dominio de su sitio web, como ejemplo.org. Recibirá una línea para publicar allí, que demuestra que su organización firmó.
field-not-a-website = El campo «{ $field }»: indique un dominio como ejemplo.org, o una dirección que empiece por https://.
field-website-not-for-individuals = El campo «{ $field }»: solo las organizaciones y empresas indican un sitio web. Déjelo vacío para firmar como persona.
prove-your-signature = Demuestre que su organización firmó
publish-this-line = Para que aparezca «acreditada por { $domain }» junto a su nombre, publique esta línea tal como está:
publish-it-at = en un archivo de texto plano en esta dirección:
proof-file-about = El archivo puede contener líneas de otras cartas, una por línea. Cuando se encuentre la línea, la lista mostrará la prueba; si se quita la línea, la prueba desaparece también.
console-proof = Prueba
console-proof-held = encontrada en { $domain }
console-proof-pending = no encontrada en { $domain }
console-proof-checked = comprobada por última vez el { $day }
console-proof-never-checked = aún no comprobada
console-check-now = Comprobar ahora
console-check-asked = Se pidió una comprobación. Recargue esta página en unos segundos para ver el resultado.
console-check-busy = Hay demasiadas comprobaciones en espera. Inténtelo de nuevo en un minuto.
proof-problem-unreachable = no se pudo acceder al sitio web
proof-problem-certificate = se rechazó el certificado del sitio web (no es válido para su nombre o no es de una autoridad de confianza)
proof-problem-redirect = el sitio web envió la petición a otra dirección
proof-problem-no-file = el archivo no está (estado HTTP { $status })
proof-problem-too-large = el archivo ocupa más de 64 KiB
proof-problem-line-missing = el archivo no contiene la línea
audit-proof-taken = encontró la prueba en { $domain }
audit-proof-lost = la prueba desapareció de { $domain }
store-website = Para una organización o empresa que indica su sitio web: el sitio, la línea que se le pide publicar allí y el día en que se encontró esa línea por última vez.

## deliver
## La edición para entregar (/deliver), las cifras (/numbers) y la insignia (/badge.svg).

deliver-link = Edición para entregar
deliver-title = Edición para entregar
deliver-letter-version = Versión de la carta
deliver-letter-digest = Huella de la carta (SHA-256)
deliver-proof-heading = Cómo comprobar esta lista
deliver-snapshot = Esta lista es la de la instantánea número { $seq }, firmada por el sitio el { $day }.
deliver-snapshot-digest = SHA-256 del archivo de la instantánea (snapshot.json)
deliver-public-key = La clave pública del sitio
deliver-verify = Para comprobarla, descargue snapshot.json y snapshot.json.minisig del sitio o de cualquier espejo y ejecute:
deliver-verify-after = minisign indica si el sitio firmó ese archivo; sha256sum debe mostrar el SHA-256 de la instantánea indicado arriba. Los nombres del archivo son los que aquí se imprimen.
numbers-link = Cifras
numbers-title = Las firmas en cifras
numbers-intro = Firmas publicadas cuyos nombres se muestran, por el día en que llegaron y por país. Un día o un país con menos de { $count } se cuenta en «otros», para que ninguna cifra señale a una persona.
numbers-by-day = Firmas por día
numbers-by-country = Firmas por país
numbers-no-days = Ningún día tiene todavía { $count } o más.
numbers-day = Día
numbers-country = País
numbers-count = Firmas
numbers-other-days = Otros días
numbers-other-countries = Otros o sin indicar
numbers-day-caption = Firmas en { $days } días, del { $first } al { $last }; como mucho { $most } en un día.
numbers-country-caption = Los { $countries } países con más firmas, y después todos los demás.
badge-label = firmas
badge-title = { $count } firmas, según la instantánea del { $day }
