"""The portal's quality standards, in English, French and Spanish (content reviewers may edit
them and add others in the admin; a standard already present with the same code is left as is).
"""

from django.db import migrations

# code, applies_to, {language: (title, guidance)}
STANDARDS = [
    (
        "learning-objectives",
        "course,event",
        {
            "en": (
                "Learning objectives are stated",
                "The objectives say what participants will know or be able to do at the end, "
                "in terms that can be checked.",
            ),
            "fr": (
                "Les objectifs d'apprentissage sont énoncés",
                "Les objectifs disent ce que les participants sauront ou sauront faire à la "
                "fin, en des termes vérifiables.",
            ),
            "es": (
                "Los objetivos de aprendizaje están enunciados",
                "Los objetivos dicen lo que los participantes sabrán o sabrán hacer al final, "
                "en términos verificables.",
            ),
        },
    ),
    (
        "accurate-current",
        "",
        {
            "en": (
                "Content is accurate and up to date",
                "Facts, figures and references are correct and current; decisions of the "
                "Conference of the Parties and the Global Biodiversity Framework are cited in "
                "their latest version.",
            ),
            "fr": (
                "Le contenu est exact et à jour",
                "Les faits, chiffres et références sont exacts et actuels ; les décisions de la "
                "Conférence des Parties et le Cadre mondial de la biodiversité sont cités dans "
                "leur dernière version.",
            ),
            "es": (
                "El contenido es exacto y está actualizado",
                "Los hechos, cifras y referencias son correctos y actuales; las decisiones de la "
                "Conferencia de las Partes y el Marco Mundial de Biodiversidad se citan en su "
                "versión más reciente.",
            ),
        },
    ),
    (
        "gbf-aligned",
        "",
        {
            "en": (
                "Aligned with the GBF targets",
                "The item names the Kunming-Montreal Global Biodiversity Framework targets it "
                "supports, and its content actually serves them.",
            ),
            "fr": (
                "Aligné sur les cibles du Cadre mondial",
                "L'élément indique les cibles du Cadre mondial de la biodiversité de "
                "Kunming-Montréal qu'il soutient, et son contenu y contribue réellement.",
            ),
            "es": (
                "Alineado con las metas del Marco Mundial",
                "El elemento indica las metas del Marco Mundial de Biodiversidad de "
                "Kunming-Montreal que apoya, y su contenido contribuye realmente a ellas.",
            ),
        },
    ),
    (
        "accessible",
        "",
        {
            "en": (
                "Accessible: captions, alt text, plain language",
                "Videos have captions or transcripts, images have text alternatives, documents "
                "are readable by screen readers and the language is plain.",
            ),
            "fr": (
                "Accessible : sous-titres, textes alternatifs, langage clair",
                "Les vidéos ont des sous-titres ou des transcriptions, les images des textes "
                "alternatifs, les documents sont lisibles par les lecteurs d'écran et la langue "
                "est claire.",
            ),
            "es": (
                "Accesible: subtítulos, texto alternativo, lenguaje claro",
                "Los vídeos tienen subtítulos o transcripciones, las imágenes texto alternativo, "
                "los documentos son legibles por lectores de pantalla y el lenguaje es claro.",
            ),
        },
    ),
    (
        "appropriate-level",
        "course,resource,event",
        {
            "en": (
                "The level suits the intended audience",
                "The stated level (introductory, intermediate, advanced) and the prerequisites "
                "match the content and the people it is for.",
            ),
            "fr": (
                "Le niveau convient au public visé",
                "Le niveau annoncé (introduction, intermédiaire, avancé) et les prérequis "
                "correspondent au contenu et aux personnes auxquelles il s'adresse.",
            ),
            "es": (
                "El nivel se adecua al público destinatario",
                "El nivel indicado (introductorio, intermedio, avanzado) y los requisitos previos "
                "corresponden al contenido y a las personas a las que se dirige.",
            ),
        },
    ),
    (
        "assessments-measure-objectives",
        "course",
        {
            "en": (
                "Assessments measure the objectives",
                "Quizzes and exercises test the stated learning objectives, with a fair pass "
                "mark and feedback that helps learners understand their mistakes.",
            ),
            "fr": (
                "Les évaluations mesurent les objectifs",
                "Les quiz et exercices évaluent les objectifs d'apprentissage énoncés, avec une "
                "note de réussite juste et des commentaires qui aident à comprendre les erreurs.",
            ),
            "es": (
                "Las evaluaciones miden los objetivos",
                "Los cuestionarios y ejercicios evalúan los objetivos de aprendizaje enunciados, "
                "con una nota de aprobación justa y comentarios que ayudan a entender los errores.",
            ),
        },
    ),
    (
        "licensing-attribution",
        "course,resource",
        {
            "en": (
                "Licensing and attribution are clear",
                "The licence is stated, third-party material is credited and used with "
                "permission, and authors are named.",
            ),
            "fr": (
                "La licence et les attributions sont claires",
                "La licence est indiquée, les contenus de tiers sont crédités et utilisés avec "
                "autorisation, et les auteurs sont nommés.",
            ),
            "es": (
                "La licencia y la atribución son claras",
                "Se indica la licencia, el material de terceros se acredita y se usa con "
                "permiso, y se nombra a los autores.",
            ),
        },
    ),
    (
        "stated-languages",
        "",
        {
            "en": (
                "Available in the stated languages",
                "Every language the item is listed in is complete: text, audio or captions, "
                "documents and assessments.",
            ),
            "fr": (
                "Disponible dans les langues annoncées",
                "Chaque langue annoncée est complète : texte, audio ou sous-titres, documents et "
                "évaluations.",
            ),
            "es": (
                "Disponible en los idiomas indicados",
                "Cada idioma indicado está completo: texto, audio o subtítulos, documentos y "
                "evaluaciones.",
            ),
        },
    ),
]


def add_standards(apps, schema_editor):
    standard_model = apps.get_model("quality", "QualityStandard")
    for position, (code, applies_to, texts) in enumerate(STANDARDS, start=1):
        if standard_model.objects.filter(code=code).exists():
            continue
        values = {"code": code, "applies_to": applies_to, "position": position * 10}
        title, guidance = texts["en"]
        values.update(title=title, guidance=guidance)
        for language, (title, guidance) in texts.items():
            values[f"title_{language}"] = title
            values[f"guidance_{language}"] = guidance
        standard_model.objects.create(**values)


def remove_standards(apps, schema_editor):
    standard_model = apps.get_model("quality", "QualityStandard")
    codes = [code for code, _applies_to, _texts in STANDARDS]
    # Standards already used by a review are kept (ReviewCheck protects them).
    used = apps.get_model("quality", "ReviewCheck").objects.values("standard_id")
    standard_model.objects.filter(code__in=codes).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(add_standards, remove_standards)]
